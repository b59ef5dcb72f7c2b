package io.paystream.refunds.messaging;

import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.repository.PaymentRepository;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.status.StatusBoard;
import io.paystream.shared.stream.ConsumerOptions;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamConsumer;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Delays;
import io.paystream.shared.web.CommonConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Keeps the payments projection from payment events: merchant, amount, currency, status and
 * captured of every payment, merged monotonically once per event id.
 */
@ApplicationScoped
public class PaymentEventsConsumer {
  /** Reports older than this are not believed: their instance may be gone. */
  private static final long STATUS_FRESH_MILLIS = 10_000;

  /**
   * How long, in steps, the group may take to reach the stream's newest entry of a check: a relay
   * adding events and the group reading them cross all the time under steady traffic, so that a
   * check finds the group a few entries short about as often as a few percent of the time.
   */
  private static final int CATCH_UP_STEPS = 15;

  private static final long CATCH_UP_STEP_MILLIS = 20;

  /** How many entries between the oldest and the newest pending one are looked through. */
  private static final int PENDING_READ = 1_000;

  private final StreamConsumer consumer;
  private final Vertx vertx;
  private final RedisStreams streams;
  private final PaymentRepository payments;
  private final long stuckMillis;
  private final StatusBoard reports;

  public PaymentEventsConsumer(
      Vertx vertx,
      RedisStreams streams,
      PaymentRepository payments,
      RefundsConfig config,
      CommonConfig server) {
    this.vertx = vertx;
    this.streams = streams;
    this.payments = payments;
    this.stuckMillis = config.projection().maxWait().toMillis();
    this.reports = new StatusBoard(streams, STATUS_FRESH_MILLIS);
    this.consumer =
        new StreamConsumer(
            vertx,
            streams,
            ConsumerOptions.of(Streams.PAYMENT_EVENTS, Streams.REFUND_SERVICE, config.instanceId())
                .withOneStatementPerEntry(server.server().dbPoolSize()),
            this::handle);
  }

  public StreamConsumer consumer() {
    return consumer;
  }

  /**
   * Whether this service may not have seen all news of a payment that a client saw before its
   * request began, the request having waited as long as requests wait for news ({@code
   * projection.max-wait}):
   *
   * <ul>
   *   <li>payment events wait in the stream, not yet delivered to this service's group (its last
   *       delivered id is below the stream's last entry: a replay, a burst). Not the group's {@code
   *       lag}: Redis reloading a rewritten append-only file can leave the count of entries read
   *       behind, and the lag it gives then stays above zero for good;
   *   <li>or an event was delivered and is not handled yet: delivered at least that long ago (to a
   *       crashed instance, say), or about this payment (being handled right now);
   *   <li>or it has not even reached the stream: payments-service reports a committed event waiting
   *       to be published since before the request began;
   *   <li>or payments-service has not reported since the request began (cut off from Redis, or
   *       killed a moment after a commit): events it committed may be waiting unpublished, and
   *       nothing says they are not.
   * </ul>
   */
  public Uni<Boolean> behind(String paymentId) {
    // The reports first, then the stream: what a report says was published by the time it was
    // read is in the stream when the stream is read after it. The other way round, an event
    // published between the two reads would be in neither.
    return unpublished()
        .chain(waiting -> waiting ? Uni.createFrom().item(true) : readingBehind(paymentId));
  }

  /**
   * Whether a committed payment event may still wait to be published after a request waited for
   * news as long as requests wait ({@code projection.max-wait}): some fresh report of a
   * payments-service instance says an event has waited, by now, at least that long (a report was
   * made up to a heartbeat ago, so its age counts too); or no instance has reported within that
   * time, so none has said otherwise about the events committed before the request began. Ages are
   * read on Redis' clock, which timed the reports (their entry ids), not this instance's.
   */
  private Uni<Boolean> unpublished() {
    return reports
        .read()
        .map(
            reading -> {
              long now = reading.redisMillis();
              boolean heard = false;
              for (ServiceStatus s : reading.reports().values()) {
                if (!Streams.PAYMENTS_SERVICE.equals(s.service())) {
                  continue;
                }
                long age = Math.max(0, now - s.at().toEpochMilli());
                if (s.outboxWaitingMillis() > 0 && s.outboxWaitingMillis() + age >= stuckMillis) {
                  return true;
                }
                heard |= age < stuckMillis;
              }
              return !heard;
            });
  }

  private Uni<Boolean> readingBehind(String paymentId) {
    return Uni.combine()
        .all()
        .unis(
            streams.group(Streams.PAYMENT_EVENTS, Streams.REFUND_SERVICE),
            streams.latest(Streams.PAYMENT_EVENTS, 1))
        .asTuple()
        .chain(
            t -> {
              RedisStreams.GroupInfo group = t.getItem1();
              if (group == null) {
                return Uni.createFrom().item(true); // no group yet: nothing has been read
              }
              List<StreamEntry> newest = t.getItem2();
              if (newest.isEmpty()
                  || Streams.compareIds(group.lastDeliveredId(), newest.get(0).id()) >= 0) {
                return handlingBehind(group, paymentId);
              }
              // Only the entries in the stream at this read matter (the reports, read before it,
              // vouch for what came after), and the group may be a moment from reaching them.
              return deliveredUpTo(newest.get(0).id(), CATCH_UP_STEPS)
                  .chain(
                      caughtUp ->
                          caughtUp == null
                              ? Uni.createFrom().item(true)
                              : handlingBehind(caughtUp, paymentId));
            });
  }

  /**
   * The group once it has been delivered every entry up to {@code id}, asked again every {@link
   * #CATCH_UP_STEP_MILLIS} up to {@code steps} times; {@code null} if it has not by then.
   */
  private Uni<RedisStreams.GroupInfo> deliveredUpTo(String id, int steps) {
    return Delays.after(vertx, CATCH_UP_STEP_MILLIS)
        .chain(() -> streams.group(Streams.PAYMENT_EVENTS, Streams.REFUND_SERVICE))
        .chain(
            group -> {
              if (group != null && Streams.compareIds(group.lastDeliveredId(), id) >= 0) {
                return Uni.createFrom().item(group);
              }
              return steps > 1 ? deliveredUpTo(id, steps - 1) : Uni.createFrom().nullItem();
            });
  }

  /** Whether an event delivered to the group is not handled yet, as far as it matters here. */
  private Uni<Boolean> handlingBehind(RedisStreams.GroupInfo group, String paymentId) {
    return group.pending() == 0
        ? Uni.createFrom().item(false)
        : stuckEntries()
            .chain(stuck -> stuck ? Uni.createFrom().item(true) : pendingAbout(paymentId));
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

  /**
   * Whether an entry between the oldest and the newest pending one (delivered, not handled yet)
   * names the payment; more entries there than are read count as yes.
   */
  private Uni<Boolean> pendingAbout(String paymentId) {
    Request summary =
        Request.cmd(Command.XPENDING).arg(Streams.PAYMENT_EVENTS).arg(Streams.REFUND_SERVICE);
    return streams
        .redis()
        .send(summary)
        .chain(
            reply -> {
              if (reply == null || reply.size() < 3 || reply.get(0).toLong() == 0) {
                return Uni.createFrom().item(false);
              }
              String quoted = '"' + paymentId + '"';
              return streams
                  .range(
                      Streams.PAYMENT_EVENTS,
                      reply.get(1).toString(),
                      reply.get(2).toString(),
                      PENDING_READ + 1)
                  .map(
                      entries ->
                          entries.size() > PENDING_READ
                              || entries.stream()
                                  .anyMatch(
                                      e -> e.payload() != null && e.payload().contains(quoted)));
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
