package io.paystream.shared.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * The test-mode settings payments-service and refund-service both read, each read strictly in one
 * way: {@code @WithConverter(TestProcessing.Mode.class) boolean testMode();}.
 */
public final class TestProcessing {
  private TestProcessing() {}

  /** {@code TEST_MODE}, read strictly. */
  public static final class Mode extends Flag {
    public Mode() {
      super("TEST_MODE");
    }
  }

  /**
   * {@code TEST_PROCESSING_DELAY}: 0 to an hour. Longer is no test but a mistyped value (three
   * zeros too many), which would hold every payment or refund of a test run pending for as long.
   */
  public static final class Delay extends WholeNumber implements Converter<Long> {
    public Delay() {
      super("TEST_PROCESSING_DELAY", "milliseconds", 0, 3_600_000);
    }

    @Override
    public Long convert(String value) {
      return read(value);
    }
  }
}
