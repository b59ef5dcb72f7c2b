package io.paystream.shared.config;

/**
 * Reads a whole-number setting of ours within its range; anything else (a negative delay, a count
 * of 0, {@code 5s} where milliseconds are asked for) stops the service at start with one line that
 * names the variable, the value and the range. A subclass names the variable and is the setting's
 * converter, of the type the setting is mapped to (the configuration library checks that type
 * against the converter's {@code convert}):
 *
 * <pre>{@code
 * @WithConverter(TestProcessingDelay.class)
 * long testDelay();
 *
 * final class TestProcessingDelay extends WholeNumber implements Converter<Long> {
 *   public TestProcessingDelay() {
 *     super("TEST_PROCESSING_DELAY", "milliseconds", 0, 3_600_000);
 *   }
 *
 *   @Override
 *   public Long convert(String value) {
 *     return read(value);
 *   }
 * }
 * }</pre>
 */
public abstract class WholeNumber {
  private final String variable;
  private final String unit;
  private final long min;
  private final long max;

  /**
   * A setting of {@code variable} from {@code min} to {@code max}, both included; a {@code max} of
   * {@link Long#MAX_VALUE} or {@link Integer#MAX_VALUE} says "at least {@code min}". {@code unit}
   * (or {@code null}) is named in the refusal.
   */
  protected WholeNumber(String variable, String unit, long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " > max " + max);
    }
    this.variable = variable;
    this.unit = unit;
    this.min = min;
    this.max = max;
  }

  /**
   * The number {@code value} spells, blanks around it dropped.
   *
   * @throws IllegalArgumentException naming the variable, for anything but a whole number within
   *     the range
   */
  protected final long read(String value) {
    long n;
    try {
      n = Long.parseLong(value.strip());
    } catch (NumberFormatException notWhole) {
      throw refused(value);
    }
    if (n < min || n > max) {
      throw refused(value);
    }
    return n;
  }

  private IllegalArgumentException refused(String value) {
    String range =
        max == Long.MAX_VALUE || max == Integer.MAX_VALUE
            ? ", at least " + min
            : " from " + min + " to " + max;
    return new IllegalArgumentException(
        variable
            + " must be a whole number"
            + (unit == null ? "" : " of " + unit)
            + range
            + ", not \""
            + value
            + "\"");
  }
}
