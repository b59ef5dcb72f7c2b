package io.paystream.refunds.messaging;

import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.repository.MerchantRepository;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.stream.ConsumerOptions;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamConsumer;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.web.CommonConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the merchant credentials projection: {@code merchant.created} and {@code
 * merchant.credentials_rotated} replace a merchant's key and secret hash (never with an older
 * event's), and the key is forgotten by this instance's authentication cache at once.
 */
@ApplicationScoped
public class MerchantEventsConsumer {
  private final StreamConsumer consumer;
  private final MerchantRepository merchants;
  private final ApiKeyAuthenticator authenticator;

  public MerchantEventsConsumer(
      Vertx vertx,
      RedisStreams streams,
      MerchantRepository merchants,
      ApiKeyAuthenticator authenticator,
      RefundsConfig config,
      CommonConfig server) {
    this.merchants = merchants;
    this.authenticator = authenticator;
    this.consumer =
        new StreamConsumer(
            vertx,
            streams,
            ConsumerOptions.of(Streams.MERCHANT_EVENTS, Streams.REFUND_SERVICE, config.instanceId())
                .withOneStatementPerEntry(server.server().dbPoolSize()),
            this::handle);
  }

  public StreamConsumer consumer() {
    return consumer;
  }

  private Uni<Void> handle(EventEnvelope event) {
    int rank =
        switch (event.type()) {
          case MERCHANT_CREATED -> 0;
          case MERCHANT_CREDENTIALS_ROTATED -> 1;
          default -> -1;
        };
    if (rank < 0) {
      return Uni.createFrom().voidItem();
    }
    MerchantCredentials m = MerchantCredentials.fromEventData(event.data());
    return merchants
        .apply(event.id(), m, event.createdAt(), rank)
        .invoke(
            changed -> {
              if (changed) {
                authenticator.invalidate(m.apiKey());
              }
            })
        .replaceWithVoid();
  }
}
