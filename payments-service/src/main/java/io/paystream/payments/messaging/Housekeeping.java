package io.paystream.payments.messaging;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.repository.MerchantRepository;
import io.paystream.payments.repository.PaymentCountsRepository;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Periodic upkeep: folding outcome counts, purging expired idempotency keys and failed logins whose
 * window has ended.
 */
@ApplicationScoped
public class Housekeeping {
  private static final Logger LOG = Logger.getLogger(Housekeeping.class);

  private final Vertx vertx;
  private final PaymentCountsRepository counts;
  private final IdempotencyStore idempotency;
  private final MerchantRepository merchants;
  private final Duration loginFailureWindow;
  private long foldTimer = -1;
  private long purgeTimer = -1;

  public Housekeeping(
      Vertx vertx,
      PaymentCountsRepository counts,
      IdempotencyStore idempotency,
      MerchantRepository merchants,
      PaymentsConfig config) {
    this.vertx = vertx;
    this.counts = counts;
    this.idempotency = idempotency;
    this.merchants = merchants;
    this.loginFailureWindow = config.passwords().failureWindow();
  }

  public void start() {
    foldTimer =
        vertx.setPeriodic(
            10_000,
            id ->
                counts
                    .fold()
                    .subscribe()
                    .with(n -> {}, e -> LOG.debugf("fold failed: %s", e.getMessage())));
    purgeTimer =
        vertx.setPeriodic(
            60_000,
            id -> {
              idempotency
                  .purgeExpired()
                  .subscribe()
                  .with(n -> {}, e -> LOG.debugf("purge failed: %s", e.getMessage()));
              merchants
                  .purgeLoginFailures(loginFailureWindow)
                  .subscribe()
                  .with(n -> {}, e -> LOG.debugf("login purge failed: %s", e.getMessage()));
            });
  }

  public void stop() {
    vertx.cancelTimer(foldTimer);
    vertx.cancelTimer(purgeTimer);
  }
}
