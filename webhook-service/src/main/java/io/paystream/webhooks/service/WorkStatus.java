package io.paystream.webhooks.service;

import io.paystream.shared.status.JobCounts;
import io.paystream.webhooks.delivery.InFlight;
import io.paystream.webhooks.repository.CountsRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * This service's work for job status: deliveries pending (all instances), attempts this instance is
 * making, delivered and failed deliveries. The last figures read are kept for the metrics.
 */
@ApplicationScoped
public class WorkStatus {
  private final CountsRepository counts;
  private final InFlight inFlight;
  private volatile CountsRepository.Counts last = new CountsRepository.Counts(0, 0, 0, 0);

  public WorkStatus(CountsRepository counts, InFlight inFlight) {
    this.counts = counts;
    this.inFlight = inFlight;
  }

  /** Reads the counts now (one cheap statement). */
  public Uni<JobCounts> ownCounts() {
    return counts
        .counts()
        .map(
            c -> {
              last = c;
              return new JobCounts(c.pending(), inFlight.total(), c.completed(), c.failed());
            });
  }

  /** Pending deliveries when last read. */
  public long pending() {
    return last.pending();
  }

  /** Deliveries past their due time and not taken by any instance, when last read. */
  public long dueBacklog() {
    return last.due();
  }
}
