package io.paystream.webhooks.config;

import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.retry.RetrySchedule;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.RateLimiter;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.repository.MerchantRepository;
import io.paystream.webhooks.repository.Tables;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Wires shared-model's plain building blocks to this service's pool, Redis and tables. */
@ApplicationScoped
public class Infrastructure {
  private static final Logger LOG = Logger.getLogger(Infrastructure.class);
  private static final long DAY_MILLIS = Duration.ofHours(24).toMillis();
  private static final long CLAIM_LOCK_MILLIS = Duration.ofSeconds(60).toMillis();

  @Produces
  @Singleton
  RedisStreams redisStreams(Redis redis) {
    return new RedisStreams(redis);
  }

  @Produces
  @Singleton
  SecretBox secretBox(WebhooksConfig config) {
    return config
        .encryptionKey()
        .filter(k -> !k.isBlank())
        .map(SecretBox::fromBase64Key)
        .orElseGet(
            () -> {
              LOG.warn(
                  "ENCRYPTION_KEY is not set: signing secrets at rest use the public development"
                      + " key. Set ENCRYPTION_KEY (base64 of 32 random bytes) in any real"
                      + " deployment, the same in every service.");
              return SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);
            });
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
  RateLimiter rateLimiter(WebhooksConfig config) {
    return new RateLimiter(config.rateLimit().perSecond(), config.rateLimit().burst());
  }

  @Produces
  @Singleton
  ApiKeyAuthenticator apiKeyAuthenticator(MerchantRepository merchants) {
    return new ApiKeyAuthenticator(
        merchants::credential, Duration.ofSeconds(30), Duration.ofSeconds(2), 100_000);
  }

  @Produces
  @Singleton
  RetrySchedule retrySchedule(WebhooksConfig config) {
    return RetrySchedule.of(config.delivery().retryIntervalsTest());
  }

  /** The one outbound HTTP client: no redirects, bounded connections per host, 5 s to connect. */
  @Produces
  @Singleton
  WebClient webClient(Vertx vertx, WebhooksConfig config) {
    WebhooksConfig.Delivery d = config.delivery();
    int timeoutMillis = (int) d.timeout().toMillis();
    WebClientOptions options =
        new WebClientOptions()
            .setUserAgent("Paystream-Webhooks/1.0")
            .setFollowRedirects(false)
            .setKeepAlive(true)
            .setMaxPoolSize(d.maxConnectionsPerHost())
            .setConnectTimeout(timeoutMillis)
            .setKeepAliveTimeout(30)
            .setVerifyHost(true);
    return WebClient.create(vertx, options);
  }

  void closeWebClient(@Disposes WebClient client) {
    client.close();
  }
}
