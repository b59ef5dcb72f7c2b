package io.paystream.refunds.config;

import io.paystream.refunds.repository.MerchantRepository;
import io.paystream.refunds.repository.Tables;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.RedisEpochWatch;
import io.paystream.shared.outbox.RelayOptions;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.RateLimiter;
import io.paystream.shared.stream.RedisStreams;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/** Wires shared-model's plain building blocks to this service's pool, Redis and tables. */
@ApplicationScoped
public class Infrastructure {
  private static final long DAY_MILLIS = Duration.ofHours(24).toMillis();
  private static final long CLAIM_LOCK_MILLIS = Duration.ofSeconds(60).toMillis();

  @Produces
  @Singleton
  RedisStreams redisStreams(Redis redis) {
    return new RedisStreams(redis);
  }

  @Produces
  @Singleton
  IdempotencyStore idempotencyStore(Pool pool) {
    return new IdempotencyStore(pool, Tables.IDEMPOTENCY_KEYS, DAY_MILLIS, CLAIM_LOCK_MILLIS);
  }

  @Produces
  @Singleton
  IdempotentRun idempotentRun(IdempotencyStore store) {
    return new IdempotentRun(store);
  }

  @Produces
  @Singleton
  RelayOptions relayOptions(RefundsConfig config) {
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
  RateLimiter rateLimiter(RefundsConfig config) {
    return new RateLimiter(config.rateLimit().perSecond(), config.rateLimit().burst());
  }

  /**
   * Credentials come from the merchant projection. A merchant event invalidates the key at once on
   * the instance that applied it; other instances read it again within 5 s, so a rotated secret
   * stops working everywhere within that time.
   */
  @Produces
  @Singleton
  ApiKeyAuthenticator apiKeyAuthenticator(MerchantRepository merchants) {
    return new ApiKeyAuthenticator(
        merchants::credential, Duration.ofSeconds(5), Duration.ofSeconds(1), 100_000);
  }
}
