package io.paystream.refunds.messaging;

import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.repository.ProjectionStateRepository;
import io.paystream.refunds.repository.RefundCountsRepository;
import io.paystream.refunds.service.RefundFinisher;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.time.Chores;
import io.paystream.shared.time.DatabaseClock;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Periodic work on Vert.x timers, each task at most once at a time: the overdue sweep (refunds
 * whose job was lost are processed from PostgreSQL, the record of what is due), folding outcome
 * counts, purging expired idempotency keys and event ids applied long ago, and reading the
 * database's clock.
 */
@ApplicationScoped
public class Housekeeping {
  private final Chores chores;
  private final DatabaseClock clock;
  private final RefundFinisher finisher;
  private final RefundCountsRepository counts;
  private final IdempotencyStore idempotency;
  private final ProjectionStateRepository projection;
  private final RefundsConfig config;

  public Housekeeping(
      Vertx vertx,
      RefundFinisher finisher,
      RefundCountsRepository counts,
      IdempotencyStore idempotency,
      ProjectionStateRepository projection,
      RefundsConfig config,
      DatabaseClock clock) {
    this.chores = new Chores(vertx);
    this.clock = clock;
    this.finisher = finisher;
    this.counts = counts;
    this.idempotency = idempotency;
    this.projection = projection;
    this.config = config;
  }

  public void start() {
    clock.readEvery(chores);
    long grace = config.worker().sweepGrace().toMillis();
    long eventRetention = config.projection().eventRetention().toMillis();
    chores.every(
        config.worker().sweepInterval().toMillis(), "sweep", () -> finisher.finishOverdue(grace));
    chores.every(10_000, "fold", counts::fold);
    chores.every(60_000, "idempotency purge", idempotency::purgeExpired);
    chores.every(60_000, "event id purge", () -> projection.purgeAppliedEvents(eventRetention));
  }

  public void stop() {
    chores.cancel();
  }
}
