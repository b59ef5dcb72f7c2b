package io.paystream.webhooks.config;

import io.paystream.shared.retry.RetrySchedule;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
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
