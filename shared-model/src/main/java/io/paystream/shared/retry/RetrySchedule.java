package io.paystream.shared.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When webhook delivery attempts are made: the first at once, each later one a fixed delay after
 * the previous, failed one was made; after the last one the delivery has failed for good.
 *
 * <pre>
 * attempt   normal      test ({@code WEBHOOK_RETRY_INTERVALS_TEST=true})
 * 1         at once     at once
 * 2         +1 min      +5 s
 * 3         +5 min      +10 s
 * 4         +30 min     +15 s
 * 5         +2 h        +20 s
 * </pre>
 *
 * <pre>{@code
 * Instant next = RetrySchedule.of(false).nextAttemptAt(1, attemptedAt); // attemptedAt + 1 min
 * }</pre>
 */
public final class RetrySchedule {
  public static final RetrySchedule NORMAL =
      new RetrySchedule(
          List.of(
              Duration.ofMinutes(1),
              Duration.ofMinutes(5),
              Duration.ofMinutes(30),
              Duration.ofHours(2)));

  public static final RetrySchedule TEST =
      new RetrySchedule(
          List.of(
              Duration.ofSeconds(5),
              Duration.ofSeconds(10),
              Duration.ofSeconds(15),
              Duration.ofSeconds(20)));

  private final List<Duration> delays;

  private RetrySchedule(List<Duration> delays) {
    this.delays = List.copyOf(delays);
  }

  /** The test schedule when {@code testIntervals}, else the normal one. */
  public static RetrySchedule of(boolean testIntervals) {
    return testIntervals ? TEST : NORMAL;
  }

  /** Attempts a delivery gets before it is {@code failed} (5). */
  public int maxAttempts() {
    return delays.size() + 1;
  }

  /**
   * The wait between attempt {@code attempt} failing and the next attempt.
   *
   * @param attempt the attempt that failed, from 1
   * @return the delay, or {@code null} when that was the last attempt
   * @throws IllegalArgumentException when {@code attempt} is below 1
   */
  public Duration delayAfter(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts are counted from 1");
    }
    return attempt <= delays.size() ? delays.get(attempt - 1) : null;
  }

  /**
   * When the attempt after {@code attempt}, made at {@code attemptedAt}, is due, or {@code null}
   * when there is none.
   */
  public Instant nextAttemptAt(int attempt, Instant attemptedAt) {
    Duration delay = delayAfter(attempt);
    return delay == null ? null : attemptedAt.plus(delay);
  }
}
