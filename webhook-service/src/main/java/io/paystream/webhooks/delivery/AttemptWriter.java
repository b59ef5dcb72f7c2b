package io.paystream.webhooks.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.shared.sql.Batcher;
import io.paystream.shared.stream.Failures;
import io.paystream.webhooks.Delivery;
import io.paystream.webhooks.repository.DeliveryRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Writes attempt outcomes, many per statement (one row per attempt in the log, the delivery moved
 * on, finished ones counted), and tells the scheduler when the retries it wrote fall due.
 *
 * <p>Two retry tiers stay apart: a write that fails because the database is away is tried again
 * here, after a short back-off, for as long as it takes; the delivery schedule is the scheduler's
 * business and only ever advances by written attempts.
 */
@ApplicationScoped
public class AttemptWriter {
  private static final Logger LOG = Logger.getLogger(AttemptWriter.class);

  private final Vertx vertx;
  private final DeliveryRepository deliveries;
  private final DeliveryScheduler scheduler;
  private final InFlight inFlight;
  private final Batcher<AttemptRecord, Void> batcher;
  private final AtomicInteger failuresInRow = new AtomicInteger();
  private final AtomicInteger unwritten = new AtomicInteger();
  private final Counter succeeded;
  private final Counter failed;

  public AttemptWriter(
      Vertx vertx,
      DeliveryRepository deliveries,
      DeliveryScheduler scheduler,
      InFlight inFlight,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.deliveries = deliveries;
    this.scheduler = scheduler;
    this.inFlight = inFlight;
    this.batcher = Batcher.writes(500, 3, this::writeBatch);
    this.succeeded = finished(registry, Delivery.SUCCESS);
    this.failed = finished(registry, Delivery.FAILED);
  }

  private static Counter finished(MeterRegistry registry, String outcome) {
    return Counter.builder("paystream.webhook.deliveries")
        .description("Deliveries finished by this instance, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Writes an outcome, retrying while the database is unavailable. Never fails, never blocks. */
  public void write(AttemptRecord record) {
    unwritten.incrementAndGet();
    submit(record);
  }

  private void submit(AttemptRecord record) {
    batcher
        .submit(record)
        .subscribe()
        .with(
            ok -> {
              failuresInRow.set(0);
              unwritten.decrementAndGet();
            },
            err -> {
              if (Failures.isTransient(err)) {
                int n = failuresInRow.incrementAndGet();
                if (n == 1 || n % 50 == 0) {
                  LOG.warnf("attempt outcomes wait for the database: %s", err.getMessage());
                }
                vertx.setTimer(Math.min(5_000L, 100L << Math.min(n, 6)), id -> submit(record));
              } else {
                unwritten.decrementAndGet();
                inFlight.settled(record.deliveryId());
                LOG.errorf(
                    err,
                    "attempt %d of delivery %s could not be logged; its lease will run out and it"
                        + " will be attempted again",
                    record.attempt(),
                    record.deliveryId());
              }
            });
  }

  /**
   * Outcomes not written yet, those waiting to be tried again after the database refused them
   * included (the drain at shutdown waits for them too, or their deliveries would be attempted
   * again once their leases ran out).
   */
  public int waiting() {
    return unwritten.get();
  }

  private Uni<Void> writeBatch(List<AttemptRecord> batch) {
    return deliveries
        .finish(batch)
        .invoke(
            applied -> {
              // Before the scheduler is woken below: a delivery retried by hand is claimed at once.
              batch.forEach(r -> inFlight.settled(r.deliveryId()));
              afterWrite(batch, applied);
            })
        .replaceWithVoid();
  }

  private void afterWrite(List<AttemptRecord> batch, DeliveryRepository.Finished finished) {
    Instant next = null;
    for (AttemptRecord r : batch) {
      if (!finished.applied().contains(r.deliveryId())) {
        LOG.debugf(
            "delivery %s moved on without attempt %d (taken over meanwhile)",
            r.deliveryId(), r.attempt());
        continue;
      }
      if (finished.restarted().contains(r.deliveryId())) {
        scheduler.wake(); // retried by hand while this attempt ran: due again now
      } else if (Delivery.SUCCESS.equals(r.status())) {
        succeeded.increment();
      } else if (Delivery.FAILED.equals(r.status())) {
        failed.increment();
      } else if (next == null || r.nextRetryAt().isBefore(next)) {
        next = r.nextRetryAt();
      }
    }
    if (next != null) {
      scheduler.wakeAt(next);
    }
  }
}
