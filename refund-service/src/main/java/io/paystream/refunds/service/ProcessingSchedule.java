package io.paystream.refunds.service;

import io.paystream.refunds.config.RefundsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a refund takes to process: 3–5 s, or {@code TEST_PROCESSING_DELAY} in test mode. Drawn
 * once, when the refund is accepted, and stored with it.
 */
@ApplicationScoped
public class ProcessingSchedule {
  private final RefundsConfig.Processing config;

  public ProcessingSchedule(RefundsConfig config) {
    this.config = config.processing();
  }

  /** Milliseconds from acceptance to processing. */
  public long delayMillis() {
    if (config.testMode()) {
      return Math.max(0, config.testDelay());
    }
    long min = config.minDelay().toMillis();
    long max = config.maxDelay().toMillis();
    return max <= min ? min : ThreadLocalRandom.current().nextLong(min, max + 1);
  }
}
