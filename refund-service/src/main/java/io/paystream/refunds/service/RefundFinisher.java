package io.paystream.refunds.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.refunds.RefundJob;
import io.paystream.refunds.repository.RefundRepository;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.Batches;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.DatabaseClock;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Marks a pending refund processed, exactly once however many workers try: the update only applies
 * to a refund still pending, and the {@code refund.processed} event is written by the same
 * statement.
 */
@ApplicationScoped
public class RefundFinisher {
  private static final Logger LOG = Logger.getLogger(RefundFinisher.class);
  private static final int OVERDUE_BATCH = 200;

  /** Batches one sweep processes at most before the next tick: a backlog goes at once, in turns. */
  private static final int MAX_OVERDUE_BATCHES = 50;

  /** Overdue refunds processed at once: a few pooled connections, the rest left for requests. */
  private static final int OVERDUE_AT_ONCE = 4;

  private final DatabaseClock clock;
  private final RefundRepository refunds;
  private final OutboxRelay relay;
  private final MeterRegistry metrics;

  public RefundFinisher(
      RefundRepository refunds, OutboxRelay relay, MeterRegistry metrics, DatabaseClock clock) {
    this.clock = clock;
    this.refunds = refunds;
    this.relay = relay;
    this.metrics = metrics;
  }

  /** Processes the refund; emits whether this call was the one that processed it. */
  public Uni<Boolean> finish(RefundJob job, String requestId) {
    Instant now = clock.now();
    RefundView processed = job.processed(now);
    OutboxSql events =
        new OutboxSql(processed.merchantId(), requestId, now)
            .add(Streams.REFUND_EVENTS, EventType.REFUND_PROCESSED, processed::writeEventData);
    return refunds
        .finish(processed.id(), now, events)
        .invoke(
            done -> {
              if (done) {
                metrics.counter("paystream.refunds.processed").increment();
                relay.kick();
              }
            });
  }

  /**
   * Processes, from PostgreSQL, the refunds still pending more than {@code graceMillis} past their
   * due time: their jobs were lost (Redis flushed or out of reach, dead-lettered). Batch after
   * batch while they come full, up to {@value #MAX_OVERDUE_BATCHES}, {@value #OVERDUE_AT_ONCE}
   * refunds at a time. Emits how many this call processed.
   */
  public Uni<Long> finishOverdue(long graceMillis) {
    return Batches.whileFull(
            () ->
                refunds
                    .overdue(graceMillis, OVERDUE_BATCH)
                    .chain(list -> Batches.each(list, job -> finish(job, null), OVERDUE_AT_ONCE)),
            OVERDUE_BATCH,
            MAX_OVERDUE_BATCHES)
        .invoke(
            n -> {
              if (n > 0) {
                LOG.warnf("processed %d overdue refunds whose jobs were lost", n);
              }
            });
  }
}
