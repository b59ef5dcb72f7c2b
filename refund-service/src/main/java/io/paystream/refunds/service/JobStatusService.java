package io.paystream.refunds.service;

import io.paystream.refunds.messaging.Workers;
import io.paystream.refunds.repository.RefundCountsRepository;
import io.paystream.shared.status.JobCounts;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The refund queue's counts for this instance's heartbeat: pending, processed and failed refunds
 * from the database (for all instances), and the jobs this instance holds in flight.
 */
@ApplicationScoped
public class JobStatusService {
  private final RefundCountsRepository counts;
  private final Workers workers;

  public JobStatusService(RefundCountsRepository counts, Workers workers) {
    this.counts = counts;
    this.workers = workers;
  }

  public Uni<JobCounts> ownCounts() {
    return counts
        .counts()
        .map(c -> new JobCounts(c.pending(), workers.refundsInFlight(), c.completed(), c.failed()));
  }
}
