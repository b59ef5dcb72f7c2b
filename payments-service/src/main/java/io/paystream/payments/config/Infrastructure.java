package io.paystream.payments.config;

import io.paystream.payments.repository.MerchantRepository;
import io.paystream.payments.repository.Tables;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.RedisEpochWatch;
import io.paystream.shared.outbox.RelayOptions;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.RateLimiter;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.RedisStreams;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Wires shared-model's plain building blocks to this service's pool, Redis and tables. */
@ApplicationScoped
public class Infrastructure {
  private static final Logger LOG = Logger.getLogger(Infrastructure.class);
  private static final long DAY_MILLIS = Duration.ofHours(24).toMillis();
  private static final long CLAIM_LOCK_MILLIS = Duration.ofSeconds(30).toMillis();

  @Produces
  @Singleton
  RedisStreams redisStreams(Redis redis) {
    return new RedisStreams(redis);
  }

  @Produces
  @Singleton
  SecretBox secretBox(PaymentsConfig config) {
    return config
        .encryptionKey()
        .filter(k -> !k.isBlank())
        .map(SecretBox::fromBase64Key)
        .orElseGet(
            () -> {
              LOG.warn(
                  "ENCRYPTION_KEY is not set: secrets at rest use the public development key."
                      + " Set ENCRYPTION_KEY (base64 of 32 random bytes) in any real deployment.");
              return SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);
            });
  }

  @Produces
  @Singleton
  IdempotentRun idempotentRun(IdempotencyStore store) {
    return new IdempotentRun(store);
  }

  @Produces
  @Singleton
  IdempotencyStore idempotencyStore(Pool pool) {
    return new IdempotencyStore(pool, Tables.IDEMPOTENCY_KEYS, DAY_MILLIS, CLAIM_LOCK_MILLIS);
  }

  @Produces
  @Singleton
  RelayOptions relayOptions(PaymentsConfig config) {
    return RelayOptions.of(Tables.OUTBOX)
        .withRetentionMillis(config.outbox().retention().toMillis())
        .withPollIntervalMillis(config.outbox().pollInterval().toMillis());
  }

  @Produces
  @Singleton
  OutboxRelay outboxRelay(Vertx vertx, Pool pool, RedisStreams streams, RelayOptions options) {
    return new OutboxRelay(vertx, pool, streams, options);
  }

  @Produces
  @Singleton
  RedisEpochWatch redisEpochWatch(
      Vertx vertx, Pool pool, Redis redis, OutboxRelay relay, RelayOptions options) {
    return new RedisEpochWatch(vertx, pool, redis, relay, Tables.REDIS_EPOCH, options);
  }

  @Produces
  @Singleton
  RateLimiter rateLimiter(PaymentsConfig config) {
    return new RateLimiter(config.rateLimit().perSecond(), config.rateLimit().burst());
  }

  @Produces
  @Singleton
  ApiKeyAuthenticator apiKeyAuthenticator(MerchantRepository merchants) {
    return new ApiKeyAuthenticator(
        merchants::credential, Duration.ofSeconds(30), Duration.ofSeconds(2), 100_000);
  }
}
