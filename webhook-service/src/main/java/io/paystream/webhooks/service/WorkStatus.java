package io.paystream.webhooks.service;

import io.paystream.shared.status.JobCounts;
import io.paystream.shared.time.Monotonic;
import io.paystream.webhooks.delivery.InFlight;
import io.paystream.webhooks.repository.CountsRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * This service's work for job status: deliveries pending (all instances), attempts this instance is
 * making, delivered and failed deliveries. The last figures read are kept for the metrics, which
 * read NaN once they are older than {@link #FRESH_MILLIS} (the database unreachable, say), so that
 * a stale figure never looks like news.
 */
@ApplicationScoped
public class WorkStatus {
  /**
   * How long figures read stand for the present: well past a slow reading or two (heartbeats come
   * every 500 ms by default).
   */
  public static final long FRESH_MILLIS = 30_000;

  private final CountsRepository counts;
  private final InFlight inFlight;
  private final LongSupplier clock;

  /** The figures last read and when (never read: NaN). */
  private volatile Read last = new Read(null, Long.MIN_VALUE);

  private record Read(CountsRepository.Counts counts, long atMillis) {}

  @Inject
  public WorkStatus(CountsRepository counts, InFlight inFlight) {
    this(counts, inFlight, Monotonic::millis);
  }

  /** With a clock of its own (milliseconds), which dates the figures read. */
  public WorkStatus(CountsRepository counts, InFlight inFlight, LongSupplier clock) {
    this.counts = counts;
    this.inFlight = inFlight;
    this.clock = clock;
  }

  /** Reads the counts now (one cheap statement). */
  public Uni<JobCounts> ownCounts() {
    return counts
        .counts()
        .map(
            c -> {
              last = new Read(c, clock.getAsLong());
              return new JobCounts(c.pending(), inFlight.total(), c.completed(), c.failed());
            });
  }

  /** Pending deliveries when last read. */
  public double pending() {
    return fresh(CountsRepository.Counts::pending);
  }

  /** Deliveries past their due time and not taken by any instance, when last read. */
  public double dueBacklog() {
    return fresh(CountsRepository.Counts::due);
  }

  /**
   * Of {@link #dueBacklog}, those more than a second past their due time (the API's promise)
   * waiting for any instance to claim them, when last read: late because every instance is busy (or
   * none runs), not held back behind their endpoint's share.
   */
  public double unclaimed() {
    return fresh(CountsRepository.Counts::unclaimed);
  }

  /** {@code figure} of the counts last read, or NaN when they are none or stale. */
  private double fresh(ToLongFunction<CountsRepository.Counts> figure) {
    Read r = last;
    return r.counts() != null && clock.getAsLong() - r.atMillis() <= FRESH_MILLIS
        ? figure.applyAsLong(r.counts())
        : Double.NaN;
  }
}
