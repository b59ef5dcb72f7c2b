package io.paystream.payments.messaging;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.repository.PaymentRepository;
import io.paystream.payments.service.PaymentFinisher;
import io.paystream.shared.sql.Batches;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The safety net under the job stream: PostgreSQL, not Redis, is the record of what is due. Any
 * payment still pending well past its due time (its job lost with a flushed Redis, or
 * dead-lettered) is finished from its row.
 */
@ApplicationScoped
public class OverdueSweeper {
  private static final Logger LOG = Logger.getLogger(OverdueSweeper.class);
  private static final int BATCH = 200;

  /** Batches one sweep finishes at most before the next tick: a backlog goes at once, in turns. */
  private static final int MAX_BATCHES = 50;

  private final Vertx vertx;
  private final PaymentRepository payments;
  private final PaymentFinisher finisher;
  private final PaymentsConfig.Worker config;
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile long timer = -1;
  private volatile boolean failing;

  public OverdueSweeper(
      Vertx vertx, PaymentRepository payments, PaymentFinisher finisher, PaymentsConfig config) {
    this.vertx = vertx;
    this.payments = payments;
    this.finisher = finisher;
    this.config = config.worker();
  }

  public void start() {
    timer = vertx.setPeriodic(config.sweepInterval().toMillis(), id -> sweepQuietly());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * Sweeps batch after batch while they come full (a backlog left by a lost Redis or a dead
   * instance), up to {@value #MAX_BATCHES}; emits how many were finished.
   */
  Uni<Long> sweepBacklog() {
    return Batches.whileFull(
        () ->
            payments
                .overdue(config.sweepGrace().toMillis(), BATCH)
                .chain(list -> Batches.each(list, p -> finisher.finish(p, null), BATCH)),
        BATCH,
        MAX_BATCHES);
  }

  private void sweepQuietly() {
    if (!busy.compareAndSet(false, true)) {
      return;
    }
    sweepBacklog()
        .subscribe()
        .with(
            n -> {
              busy.set(false);
              if (failing) {
                failing = false;
                LOG.info("sweeping overdue payments works again");
              }
              if (n > 0) {
                LOG.warnf("finished %d overdue payments whose jobs were lost", n);
              }
            },
            err -> {
              busy.set(false);
              if (!failing) {
                failing = true;
                LOG.warnf(
                    "sweeping overdue payments failed (retried every tick): %s", err.getMessage());
              }
            });
  }
}
