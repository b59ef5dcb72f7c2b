package io.paystream.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives every end-to-end test the same {@link Stack}: started once, on first use, and stopped with
 * {@code down.sh} when the whole test run ends — also when a test failed (JUnit closes what the
 * root store holds). A stack that did not start fails every later test at once, with the same
 * reason.
 */
public final class StackExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Stack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Attempt attempt =
        context
            .getRoot()
            .getStore(ExtensionContext.Namespace.GLOBAL)
            .computeIfAbsent(Attempt.class, k -> Attempt.start(), Attempt.class);
    if (attempt.stack == null) {
      throw new IllegalStateException(
          "the stack did not start: " + attempt.failure.getMessage(), attempt.failure);
    }
    return attempt.stack;
  }

  /** The one start of the stack, or why it failed. */
  private static final class Attempt implements AutoCloseable {
    private final Stack stack;
    private final Exception failure;

    private Attempt(Stack stack, Exception failure) {
      this.stack = stack;
      this.failure = failure;
    }

    static Attempt start() {
      try {
        return new Attempt(Stack.start(), null);
      } catch (Exception e) {
        return new Attempt(null, e);
      }
    }

    @Override
    public void close() throws java.io.IOException {
      if (stack != null) {
        stack.close();
      }
    }
  }
}
