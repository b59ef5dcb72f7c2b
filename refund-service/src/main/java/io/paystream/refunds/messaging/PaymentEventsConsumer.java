package io.paystream.refunds.messaging;

import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.repository.PaymentRepository;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.status.ServiceStatus;
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
import java.time.Instant;

/**
 * Keeps the payments projection from payment events: merchant, amount, currency, status and
 * captured of every payment, merged monotonically once per event id.
 */
@ApplicationScoped
public class PaymentEventsConsumer {
  /** How far back the status stream is read for payments-service's latest reports. */
  private static final int STATUS_REPORTS_READ = 200;

  /** Reports older than this are not believed: their instance may be gone. */
  private static final long STATUS_FRESH_MILLIS = 10_000;

  private final StreamConsumer consumer;
  private final RedisStreams streams;
  private final PaymentRepository payments;
  private final long stuckMillis;

  public PaymentEventsConsumer(
      Vertx vertx, RedisStreams streams, PaymentRepository payments, RefundsConfig config) {
    this.streams = streams;
    this.payments = payments;
    this.stuckMillis = config.projection().maxWait().toMillis();
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
   * {@code lag}: a replay, a burst), or were delivered at least as long ago as a request waits for
   * news and are not handled yet (pending entries idle that long: those of a crashed instance, say;
   * entries being handled right now are not counted), or have not even reached the stream:
   * payments-service reports events it committed that have waited that long to be published.
   * Unknown lag counts as none.
   */
  public Uni<Boolean> behind() {
    return readingBehind().chain(behind -> behind ? Uni.createFrom().item(true) : unpublished());
  }

  /**
   * Whether the newest fresh report of some payments-service instance says a committed event has
   * waited to be published at least as long as a request waits for news (its outbox held back).
   */
  private Uni<Boolean> unpublished() {
    return streams
        .latest(Streams.SERVICE_STATUS, STATUS_REPORTS_READ)
        .map(
            entries -> {
              Instant fresh = Instant.now().minusMillis(STATUS_FRESH_MILLIS);
              return ServiceStatus.newestByInstance(entries).values().stream()
                  .anyMatch(
                      s ->
                          Streams.PAYMENTS_SERVICE.equals(s.service())
                              && s.at().isAfter(fresh)
                              && s.outboxWaitingMillis() >= stuckMillis);
            });
  }

  private Uni<Boolean> readingBehind() {
    Request groups = Request.cmd(Command.XINFO).arg("GROUPS").arg(Streams.PAYMENT_EVENTS);
    return streams
        .redis()
        .send(groups)
        .chain(
            reply -> {
              for (Response group : reply) {
                if (Streams.REFUND_SERVICE.equals(RedisReplies.field(group, "name"))) {
                  String lag = RedisReplies.field(group, "lag");
                  String pending = RedisReplies.field(group, "pending");
                  if (lag != null && Long.parseLong(lag) > 0) {
                    return Uni.createFrom().item(true);
                  }
                  return pending == null || Long.parseLong(pending) == 0
                      ? Uni.createFrom().item(false)
                      : stuckEntries();
                }
              }
              return Uni.createFrom().item(true); // no group yet: nothing has been read
            });
  }

  /** Whether some pending entry was delivered at least {@code stuckMillis} ago. */
  private Uni<Boolean> stuckEntries() {
    Request idle =
        Request.cmd(Command.XPENDING)
            .arg(Streams.PAYMENT_EVENTS)
            .arg(Streams.REFUND_SERVICE)
            .arg("IDLE")
            .arg(stuckMillis)
            .arg("-")
            .arg("+")
            .arg(1);
    return streams.redis().send(idle).map(reply -> reply != null && reply.size() > 0);
  }

  private Uni<Void> handle(EventEnvelope event) {
    return switch (event.type()) {
      case PAYMENT_CREATED, PAYMENT_PENDING, PAYMENT_SUCCESS, PAYMENT_FAILED, PAYMENT_CAPTURED ->
          payments.apply(event.id(), PaymentView.fromEventData(event.data())).replaceWithVoid();
      default -> Uni.createFrom().voidItem();
    };
  }
}
