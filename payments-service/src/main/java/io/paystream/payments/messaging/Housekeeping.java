package io.paystream.payments.messaging;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.repository.MerchantRepository;
import io.paystream.payments.repository.PaymentCountsRepository;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.time.Chores;
import io.paystream.shared.time.DatabaseClock;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Periodic upkeep: reading the database's clock, folding outcome counts, purging expired
 * idempotency keys and failed logins whose window has ended.
 */
@ApplicationScoped
public class Housekeeping {
  private final Chores chores;
  private final DatabaseClock clock;
  private final PaymentCountsRepository counts;
  private final IdempotencyStore idempotency;
  private final MerchantRepository merchants;
  private final Duration loginFailureWindow;

  public Housekeeping(
      Vertx vertx,
      PaymentCountsRepository counts,
      IdempotencyStore idempotency,
      MerchantRepository merchants,
      PaymentsConfig config,
      DatabaseClock clock) {
    this.chores = new Chores(vertx);
    this.clock = clock;
    this.counts = counts;
    this.idempotency = idempotency;
    this.merchants = merchants;
    this.loginFailureWindow = config.passwords().failureWindow();
  }

  public void start() {
    clock.readEvery(chores);
    chores.every(10_000, "fold", counts::fold);
    chores.every(60_000, "idempotency purge", idempotency::purgeExpired);
    chores.every(60_000, "login purge", () -> merchants.purgeLoginFailures(loginFailureWindow));
  }

  public void stop() {
    chores.cancel();
  }
}
