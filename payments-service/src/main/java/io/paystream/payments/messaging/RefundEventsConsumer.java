package io.paystream.payments.messaging;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.repository.PaymentRepository;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.stream.ConsumerOptions;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamConsumer;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.web.CommonConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps {@code amount_refunded} of payments in step with refund-service: a created refund adds its
 * amount (it is reserved from then on), a failed one gives it back. Once per event id.
 */
@ApplicationScoped
public class RefundEventsConsumer {
  private final DatabaseClock clock;
  private final StreamConsumer consumer;
  private final PaymentRepository payments;

  public RefundEventsConsumer(
      Vertx vertx,
      RedisStreams streams,
      PaymentRepository payments,
      PaymentsConfig config,
      CommonConfig server,
      DatabaseClock clock) {
    this.clock = clock;
    this.payments = payments;
    this.consumer =
        new StreamConsumer(
            vertx,
            streams,
            ConsumerOptions.of(Streams.REFUND_EVENTS, Streams.PAYMENTS_SERVICE, config.instanceId())
                .withOneStatementPerEntry(server.server().dbPoolSize()),
            this::handle);
  }

  public StreamConsumer consumer() {
    return consumer;
  }

  private Uni<Void> handle(EventEnvelope event) {
    long delta =
        switch (event.type()) {
          case REFUND_CREATED -> 1;
          case REFUND_FAILED -> -1;
          default -> 0;
        };
    if (delta == 0) {
      return Uni.createFrom().voidItem();
    }
    RefundView refund = RefundView.fromEventData(event.data());
    return payments
        .applyRefundEvent(event.id(), refund.paymentId(), delta * refund.amount(), clock.now())
        .replaceWithVoid();
  }
}
