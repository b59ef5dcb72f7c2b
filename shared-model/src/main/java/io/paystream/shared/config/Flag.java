package io.paystream.shared.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads a true-or-false setting of ours strictly: {@code true} or {@code false}, in any case, and
 * nothing else. Any other value stops the service at start with one line that names the variable,
 * the value and what is accepted. A subclass names the variable, since a converter is told the
 * value only:
 *
 * <pre>{@code
 * @WithDefault("false")
 * @WithConverter(TestMode.class)
 * boolean testMode();
 *
 * final class TestMode extends Flag {
 *   public TestMode() {
 *     super("TEST_MODE");
 *   }
 * }
 * }</pre>
 *
 * <p>The configuration library's own reading takes {@code 1}, {@code yes}, {@code y}, {@code on},
 * {@code ja}, {@code si}, {@code oui} and more as true and any other text, a typo included ({@code
 * ture}, {@code maybe}), as false, without a word: {@code TEST_MODE=ture} ran with random bank
 * failures. {@code 1}/{@code 0}, {@code yes}/{@code no} and {@code on}/{@code off} are refused as
 * well: the contract, the manifests and the compose file write {@code true} and {@code false}, one
 * spelling is one thing to check in a review, and a shorthand read one way here may be read another
 * way by a script that tests the same variable ({@code [ "$TEST_MODE" = true ]}). A refused value
 * costs one restart with the reason in the log; a value read by guess runs a payment gateway on a
 * setting nobody chose. Blanks around the value are dropped (a YAML block's line end).
 */
public abstract class Flag implements Converter<Boolean> {
  private final String variable;

  /** A flag set by the environment variable {@code variable}, as the refusal names it. */
  protected Flag(String variable) {
    this.variable = variable;
  }

  @Override
  public Boolean convert(String value) {
    String v = value.strip();
    if (v.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    if (v.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException(
        variable + " must be true or false (in any case), not \"" + value + "\"");
  }
}
