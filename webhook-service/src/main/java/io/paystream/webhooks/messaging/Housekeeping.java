package io.paystream.webhooks.messaging;

import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.time.Chores;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.repository.CountsRepository;
import io.paystream.webhooks.repository.DeliveryLogRepository;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Periodic upkeep: reading the database's clock again, folding outcome counts, purging expired
 * idempotency keys and old finished deliveries. Stream lag is read by the consumers themselves
 * ({@code StreamConsumer}).
 */
@ApplicationScoped
public class Housekeeping {
  private final Chores chores;
  private final DatabaseClock clock;
  private final CountsRepository counts;
  private final IdempotencyStore idempotency;
  private final DeliveryLogRepository log;
  private final long retentionMillis;

  public Housekeeping(
      Vertx vertx,
      CountsRepository counts,
      IdempotencyStore idempotency,
      DeliveryLogRepository log,
      DatabaseClock clock,
      WebhooksConfig config) {
    this.chores = new Chores(vertx);
    this.clock = clock;
    this.counts = counts;
    this.idempotency = idempotency;
    this.log = log;
    this.retentionMillis = config.delivery().retention().toMillis();
  }

  public void start() {
    clock.readEvery(chores);
    // Often enough that the heartbeat's sum over unfolded increments stays small at full speed.
    chores.every(2_000, "fold", counts::fold);
    chores.every(60_000, "purge", idempotency::purgeExpired);
    chores.every(60_000, "delivery retention", () -> log.purgeFinished(retentionMillis));
  }

  public void stop() {
    chores.cancel();
  }
}
