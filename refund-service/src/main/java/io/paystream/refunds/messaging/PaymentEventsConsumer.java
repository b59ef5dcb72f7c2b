package io.paystream.refunds.messaging;

import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.repository.PaymentRepository;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.stream.ConsumerOptions;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamConsumer;
import io.paystream.shared.stream.Streams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the payments projection from payment events: merchant, amount, currency, status and
 * captured of every payment, merged monotonically once per event id.
 */
@ApplicationScoped
public class PaymentEventsConsumer {
  private final StreamConsumer consumer;
  private final RedisStreams streams;
  private final PaymentRepository payments;

  public PaymentEventsConsumer(
      Vertx vertx, RedisStreams streams, PaymentRepository payments, RefundsConfig config) {
    this.streams = streams;
    this.payments = payments;
    this.consumer =
        new StreamConsumer(
            vertx,
            streams,
            ConsumerOptions.of(Streams.PAYMENT_EVENTS, Streams.REFUND_SERVICE, config.instanceId()),
            this::handle);
  }

  public StreamConsumer consumer() {
    return consumer;
  }

  /**
   * Whether payment events wait in the stream, not yet delivered to this service's group (its
   * {@code lag}), or delivered and not yet handled (its {@code pending} entries, among them those a
   * crashed instance had read): the projection is behind, after a replay, a burst or a crash.
   * Unknown lag counts as none.
   */
  public Uni<Boolean> behind() {
    Request groups = Request.cmd(Command.XINFO).arg("GROUPS").arg(Streams.PAYMENT_EVENTS);
    return streams
        .redis()
        .send(groups)
        .map(
            reply -> {
              for (Response group : reply) {
                if (Streams.REFUND_SERVICE.equals(RedisReplies.field(group, "name"))) {
                  String lag = RedisReplies.field(group, "lag");
                  String pending = RedisReplies.field(group, "pending");
                  return lag != null && Long.parseLong(lag) > 0
                      || pending != null && Long.parseLong(pending) > 0;
                }
              }
              return true; // no group yet: nothing has been read
            });
  }

  private Uni<Void> handle(EventEnvelope event) {
    return switch (event.type()) {
      case PAYMENT_CREATED, PAYMENT_PENDING, PAYMENT_SUCCESS, PAYMENT_FAILED, PAYMENT_CAPTURED ->
          payments.apply(event.id(), PaymentView.fromEventData(event.data())).replaceWithVoid();
      default -> Uni.createFrom().voidItem();
    };
  }
}
