package io.paystream.webhooks.messaging;

import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.health.StreamLag;
import io.paystream.webhooks.repository.CountsRepository;
import io.paystream.webhooks.repository.DeliveryLogRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Periodic upkeep: folding outcome counts, purging expired idempotency keys and old finished
 * deliveries, reading stream lag.
 */
@ApplicationScoped
public class Housekeeping {
  private static final Logger LOG = Logger.getLogger(Housekeeping.class);

  private final Vertx vertx;
  private final CountsRepository counts;
  private final IdempotencyStore idempotency;
  private final StreamLag lag;
  private final DeliveryLogRepository log;
  private final long retentionMillis;
  private final List<Long> timers = new ArrayList<>();

  public Housekeeping(
      Vertx vertx,
      CountsRepository counts,
      IdempotencyStore idempotency,
      StreamLag lag,
      DeliveryLogRepository log,
      WebhooksConfig config) {
    this.vertx = vertx;
    this.counts = counts;
    this.idempotency = idempotency;
    this.lag = lag;
    this.log = log;
    this.retentionMillis =
        Math.max(Duration.ofDays(2).toMillis(), config.delivery().retention().toMillis());
  }

  public void start() {
    // Often enough that the heartbeat's sum over unfolded increments stays small at full speed.
    every(2_000, "fold", counts::fold);
    every(60_000, "purge", idempotency::purgeExpired);
    every(5_000, "stream lag", lag::refresh);
    every(60_000, "delivery retention", () -> log.purgeFinished(retentionMillis));
  }

  public void stop() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  private void every(long millis, String what, Supplier<Uni<?>> task) {
    timers.add(
        vertx.setPeriodic(
            millis,
            id ->
                task.get()
                    .subscribe()
                    .with(ok -> {}, e -> LOG.debugf("%s failed: %s", what, e.getMessage()))));
  }
}
