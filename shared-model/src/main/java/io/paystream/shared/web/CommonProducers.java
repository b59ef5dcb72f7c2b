package io.paystream.shared.web;

import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.RedisEpochWatch;
import io.paystream.shared.outbox.RelayOptions;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.RateLimiter;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.EventReach;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.time.DatabaseClock;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Builds shared-model's plain building blocks for a service, over its own schema (the one its
 * migrations own, {@code quarkus.flyway.default-schema}): {@code <schema>.merchants} for API
 * credentials, {@code <schema>.idempotency_keys}, {@code <schema>.outbox}, {@code
 * <schema>.redis_epoch}. Beans are made on first use, so a service without an outbox never makes a
 * relay.
 */
@ApplicationScoped
public class CommonProducers {
  private static final Logger LOG = Logger.getLogger(CommonProducers.class);
  private static final long IDEMPOTENCY_TTL_MILLIS = Duration.ofHours(24).toMillis();

  /** How long a request holds its idempotency key before a crashed holder's key is taken over. */
  private static final long CLAIM_LOCK_MILLIS = Duration.ofSeconds(30).toMillis();

  /**
   * How long a known API key is trusted from cache: a rotated secret stops working everywhere
   * within this time (at once on the instance that learnt of the rotation).
   */
  static final Duration CREDENTIAL_TTL = Duration.ofSeconds(5);

  /** The contract's floor: a merchant may always make this many requests per second. */
  private static final double MIN_RATE_LIMIT = 100;

  private final String schema;
  private final CommonConfig config;

  public CommonProducers(
      @ConfigProperty(name = "quarkus.flyway.default-schema") String schema, CommonConfig config) {
    this.schema = schema;
    this.config = config;
  }

  @Produces
  @Singleton
  RedisStreams redisStreams(Redis redis) {
    return new RedisStreams(redis);
  }

  @Produces
  @Singleton
  EventReach eventReach(Vertx vertx, RedisStreams streams) {
    return new EventReach(vertx, streams);
  }

  /**
   * Secrets at rest and in events, under {@code ENCRYPTION_KEY} (the same in every service).
   *
   * @throws IllegalStateException without {@code ENCRYPTION_KEY} where it is required
   */
  @Produces
  @Singleton
  SecretBox secretBox() {
    String key = config.encryptionKey().orElse("").strip();
    if (config.requireEncryptionKey() && (key.isEmpty() || SecretBox.isDevelopmentKey(key))) {
      throw new IllegalStateException(
          (key.isEmpty()
                  ? "ENCRYPTION_KEY is not set"
                  : "ENCRYPTION_KEY is the public development key")
              + ", and REQUIRE_ENCRYPTION_KEY=true: set ENCRYPTION_KEY (base64 of 32 random"
              + " bytes, the same in every service) to start.");
    }
    if (!key.isEmpty()) {
      return SecretBox.fromBase64Key(key);
    }
    LOG.warn(
        "ENCRYPTION_KEY is not set: secrets at rest use the public development key. Set"
            + " ENCRYPTION_KEY (base64 of 32 random bytes, the same in every service) in any real"
            + " deployment.");
    return SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);
  }

  /**
   * Makes the secret box and the rate limiter at start, so that a missing required key or a limit
   * below the contract's floor stops the service at once.
   */
  void checkSettings(@Observes StartupEvent started, SecretBox box, RateLimiter limiter) {
    // Injecting them has made them: nothing else to do.
  }

  @Produces
  @Singleton
  IdempotencyStore idempotencyStore(Pool pool) {
    return new IdempotencyStore(
        pool, schema + ".idempotency_keys", IDEMPOTENCY_TTL_MILLIS, CLAIM_LOCK_MILLIS);
  }

  /**
   * The time by PostgreSQL's clock, which every instance reads alike (each service's upkeep reads
   * it every 30 s).
   */
  @Produces
  @Singleton
  DatabaseClock databaseClock(Pool pool) {
    return new DatabaseClock(pool);
  }

  @Produces
  @Singleton
  IdempotentRun idempotentRun(IdempotencyStore store, SecretBox box) {
    return new IdempotentRun(store, box);
  }

  /**
   * Per merchant, per instance ({@code RATE_LIMIT_PER_SECOND}, {@code RATE_LIMIT_BURST}).
   *
   * @throws IllegalStateException for a limit a merchant could meet below 100 requests/s, which the
   *     contract rules out: a rate other than 0 (no limit) below 100, or a burst below 100
   */
  @Produces
  @Singleton
  RateLimiter rateLimiter() {
    double perSecond = config.rateLimit().perSecond();
    double burst = config.rateLimit().burst();
    if (perSecond != 0) { // 0: no limit, whatever the burst
      if (!(perSecond >= MIN_RATE_LIMIT)) {
        throw new IllegalStateException(
            "RATE_LIMIT_PER_SECOND must be 0 (no limit) or at least 100, not " + perSecond);
      }
      if (!(burst >= MIN_RATE_LIMIT)) {
        throw new IllegalStateException("RATE_LIMIT_BURST must be at least 100, not " + burst);
      }
    }
    return new RateLimiter(perSecond, burst);
  }

  /** API keys checked against {@code <schema>.merchants} (a table or a projection). */
  @Produces
  @Singleton
  ApiKeyAuthenticator apiKeyAuthenticator(Pool pool) {
    String sql =
        "SELECT id, name, api_secret_hash FROM " + schema + ".merchants WHERE api_key = $1";
    return new ApiKeyAuthenticator(
        apiKey ->
            pool.preparedQuery(sql)
                .execute(Tuple.of(apiKey))
                .map(rows -> rows.size() == 0 ? null : credential(rows.iterator().next())),
        CREDENTIAL_TTL,
        Duration.ofSeconds(1),
        100_000);
  }

  @Produces
  @Singleton
  RelayOptions relayOptions() {
    return RelayOptions.of(schema + ".outbox")
        .withRetentionMillis(config.outbox().retention().toMillis())
        .withPollIntervalMillis(config.outbox().pollInterval().toMillis())
        .withDefaultHistory(streamHistory());
  }

  private long streamHistory() {
    long entries = config.outbox().streamHistory();
    if (entries < 0) {
      throw new IllegalStateException(
          "paystream.outbox.stream-history must be 0 or more entries, not " + entries);
    }
    return entries;
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
    return new RedisEpochWatch(vertx, pool, redis, relay, schema + ".redis_epoch", options);
  }

  private static ApiKeyAuthenticator.Credential credential(Row row) {
    return new ApiKeyAuthenticator.Credential(
        row.getUUID("id"), row.getString("name"), row.getBuffer("api_secret_hash").getBytes());
  }
}
