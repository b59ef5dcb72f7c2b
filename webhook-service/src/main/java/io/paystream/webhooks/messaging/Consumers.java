package io.paystream.webhooks.messaging;

import io.paystream.shared.stream.ConsumerOptions;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamConsumer;
import io.paystream.shared.stream.Streams;
import io.paystream.webhooks.config.WebhooksConfig;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * This instance's consumer loops (group {@code webhook-service}, consumer named after the
 * instance): payment and refund events become deliveries, merchant events keep credentials and
 * first secrets.
 */
@ApplicationScoped
public class Consumers {
  private final StreamConsumer payments;
  private final StreamConsumer refunds;
  private final StreamConsumer merchants;

  public Consumers(
      Vertx vertx,
      RedisStreams streams,
      EventIntake intake,
      MerchantEvents merchantEvents,
      WebhooksConfig config) {
    this.payments =
        new StreamConsumer(vertx, streams, options(Streams.PAYMENT_EVENTS, config), intake::accept);
    this.refunds =
        new StreamConsumer(vertx, streams, options(Streams.REFUND_EVENTS, config), intake::accept);
    this.merchants =
        new StreamConsumer(
            vertx, streams, options(Streams.MERCHANT_EVENTS, config), merchantEvents::apply);
  }

  private static ConsumerOptions options(String stream, WebhooksConfig config) {
    WebhooksConfig.Consumer c = config.consumer();
    return ConsumerOptions.of(stream, Streams.WEBHOOK_SERVICE, config.instanceId())
        .withMaxInFlight(c.maxInFlight())
        .withClaimMinIdleMillis(c.claimMinIdle().toMillis())
        .withClaimIntervalMillis(c.claimInterval().toMillis());
  }

  public void start() {
    all().forEach(StreamConsumer::start);
  }

  public void stop() {
    StreamConsumer.stopAll(all());
  }

  /** Whether every loop has come back from Redis recently. */
  public boolean alive() {
    return all().stream().allMatch(StreamConsumer::isHealthy);
  }

  public StreamConsumer payments() {
    return payments;
  }

  public StreamConsumer refunds() {
    return refunds;
  }

  public StreamConsumer merchants() {
    return merchants;
  }

  public List<StreamConsumer> all() {
    return List.of(payments, refunds, merchants);
  }
}
