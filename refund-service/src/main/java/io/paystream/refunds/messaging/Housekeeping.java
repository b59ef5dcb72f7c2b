package io.paystream.refunds.messaging;

import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.repository.ProjectionStateRepository;
import io.paystream.refunds.repository.RefundCountsRepository;
import io.paystream.refunds.service.RefundFinisher;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Periodic work on Vert.x timers, each task at most once at a time: the overdue sweep (refunds
 * whose job was lost are processed from PostgreSQL, the record of what is due), folding outcome
 * counts, purging expired idempotency keys and event ids applied long ago.
 */
@ApplicationScoped
public class Housekeeping {
  private static final Logger LOG = Logger.getLogger(Housekeeping.class);

  private final Vertx vertx;
  private final RefundFinisher finisher;
  private final RefundCountsRepository counts;
  private final IdempotencyStore idempotency;
  private final ProjectionStateRepository projection;
  private final RefundsConfig config;
  private final List<Long> timers = new ArrayList<>();

  public Housekeeping(
      Vertx vertx,
      RefundFinisher finisher,
      RefundCountsRepository counts,
      IdempotencyStore idempotency,
      ProjectionStateRepository projection,
      RefundsConfig config) {
    this.vertx = vertx;
    this.finisher = finisher;
    this.counts = counts;
    this.idempotency = idempotency;
    this.projection = projection;
    this.config = config;
  }

  public void start() {
    long grace = config.worker().sweepGrace().toMillis();
    long eventRetention = config.projection().eventRetention().toMillis();
    every(config.worker().sweepInterval().toMillis(), "sweep", () -> finisher.finishOverdue(grace));
    every(10_000, "fold", counts::fold);
    every(60_000, "idempotency purge", idempotency::purgeExpired);
    every(60_000, "event id purge", () -> projection.purgeAppliedEvents(eventRetention));
  }

  public void stop() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  private void every(long millis, String what, Supplier<? extends Uni<?>> task) {
    AtomicBoolean busy = new AtomicBoolean();
    timers.add(
        vertx.setPeriodic(
            millis,
            id -> {
              if (busy.compareAndSet(false, true)) {
                task.get()
                    .subscribe()
                    .with(
                        n -> busy.set(false),
                        e -> {
                          busy.set(false);
                          LOG.debugf("%s failed: %s", what, e.getMessage());
                        });
              }
            }));
  }
}
