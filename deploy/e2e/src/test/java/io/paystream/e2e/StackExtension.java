package io.paystream.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives every end-to-end test the same {@link Stack}: started once, on first use, and stopped with
 * {@code down.sh} when the whole test run ends — also when a test failed (JUnit closes what the
 * root store holds).
 */
public final class StackExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Stack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            Stack.class,
            k -> {
              try {
                return Stack.start();
              } catch (Exception e) {
                throw new IllegalStateException("the stack did not start: " + e.getMessage(), e);
              }
            },
            Stack.class);
  }
}
