package io.paystream.shared.web;

import io.paystream.shared.time.Monotonic;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one report through per period and counts the others, for conditions that every request meets
 * at once (a dependency down): one log line per period says how many requests it stands for, where
 * a line per request would flood the logs when they matter most.
 */
public final class ReportThrottle {
  private final long periodMillis;
  private final LongSupplier clock;
  private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong held = new AtomicLong();

  public ReportThrottle(long periodMillis) {
    this(periodMillis, Monotonic::millis);
  }

  ReportThrottle(long periodMillis, LongSupplier clock) {
    this.periodMillis = periodMillis;
    this.clock = clock;
  }

  /**
   * Whether to report this occurrence: -1 if not (it is counted), else how many occurrences were
   * held back since the last report.
   */
  public long report() {
    long now = clock.getAsLong();
    long next = nextAt.get();
    if (now >= next && nextAt.compareAndSet(next, now + periodMillis)) {
      return held.getAndSet(0);
    }
    held.incrementAndGet();
    return -1;
  }
}
