package io.paystream.webhooks.config;

import io.paystream.shared.retry.RetrySchedule;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/** The delivery path's own building blocks: the retry schedule and the outbound HTTP client. */
@ApplicationScoped
public class Infrastructure {
  private static final Logger LOG = Logger.getLogger(Infrastructure.class);
  private static final long DAY_MILLIS = Duration.ofHours(24).toMillis();
  private static final long CLAIM_LOCK_MILLIS = Duration.ofSeconds(60).toMillis();

  @Produces
  @Singleton
  RetrySchedule retrySchedule(WebhooksConfig config) {
    return RetrySchedule.of(config.delivery().retryIntervalsTest());
  }

  /** The most header bytes an endpoint's answer may have: as much as common servers accept. */
  static final int RESPONSE_HEADERS_LIMIT = 64 * 1024;

  /**
   * The one outbound HTTP client: connections per host bounded by the attempts in flight, 5 s to
   * connect. Redirects are not followed and each attempt's deadline is kept by {@code
   * WebhookSender}.
   */
  @Produces
  @Singleton
  HttpClient webhookClient(Vertx vertx, WebhooksConfig config) {
    WebhooksConfig.Delivery d = config.delivery();
    HttpClientOptions options =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setConnectTimeout((int) d.timeout().toMillis())
            .setKeepAliveTimeout(30)
            // Vert.x's default of 8 KB made a 2xx with larger headers a "network error".
            .setMaxHeaderSize(RESPONSE_HEADERS_LIMIT)
            .setVerifyHost(true);
    return vertx
        .getDelegate()
        .createHttpClient(
            options,
            new PoolOptions().setHttp1MaxSize(d.maxConnectionsPerHost().orElse(d.maxInFlight())));
  }

  void closeWebhookClient(@Disposes HttpClient client) {
    client.close();
  }
}
