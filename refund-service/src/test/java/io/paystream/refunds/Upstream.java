package io.paystream.refunds;

import static org.awaitility.Awaitility.await;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.status.JobCounts;
import io.paystream.shared.status.StatusPublisher;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Plays payments-service in the tests: announces merchants and payments by adding the events it
 * would publish to the streams, built with the same shared-model types, and waits until this
 * service's projections show them.
 */
public final class Upstream implements AutoCloseable {
  public static final UUID TEST_MERCHANT = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");
  public static final String TEST_KEY = "key_test_abc123";
  public static final String TEST_SECRET = "secret_test_xyz789";

  /** How often {@link #reporting} reports: as payments-service does by default. */
  private static final long HEARTBEAT_MILLIS = 500;

  private final RedisStreams streams;
  private final Db db;
  private StatusPublisher heartbeat;

  public Upstream(RedisStreams streams, Db db) {
    this.streams = streams;
    this.db = db;
  }

  /**
   * Reports, as a payments-service instance does every half second, that nothing it committed waits
   * to be published, from now until {@link #close}: while no instance reports, this service cannot
   * tell whether a payment it has not seen exists.
   */
  public Upstream reporting(Vertx vertx) {
    close();
    heartbeat =
        new StatusPublisher(
            vertx,
            streams,
            Streams.PAYMENTS_SERVICE,
            "upstream-" + UUID.randomUUID(),
            () -> true,
            () -> Uni.createFrom().item(JobCounts.ZERO),
            () -> Uni.createFrom().item(0L));
    heartbeat.publish().await().atMost(Duration.ofSeconds(5));
    heartbeat.start(HEARTBEAT_MILLIS);
    return this;
  }

  /** Stops reporting, as an instance cut off from Redis or killed does. */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.stop();
      heartbeat = null;
    }
  }

  /** Announces the test merchant (as payments-service does on its first start) and waits for it. */
  public Upstream withTestMerchant() {
    merchant(TEST_MERCHANT, "Test Merchant", TEST_KEY, TEST_SECRET);
    return this;
  }

  /** Publishes {@code merchant.created} and waits until the merchant can authenticate. */
  public void merchant(UUID id, String name, String key, String secret) {
    credentials(EventType.MERCHANT_CREATED, Timestamps.now(), 0L, id, name, key, secret);
  }

  /**
   * Publishes {@code merchant.credentials_rotated} made at {@code at}, of credentials version
   * {@code version} (none: {@code null}), and waits until it is applied; returns the entry, to
   * deliver it again.
   */
  public String rotate(UUID id, String key, String secret, Instant at, Long version) {
    return credentials(
        EventType.MERCHANT_CREDENTIALS_ROTATED, at, version, id, "Rotated", key, secret);
  }

  private String credentials(
      EventType type, Instant at, Long version, UUID id, String name, String key, String secret) {
    MerchantCredentials m =
        new MerchantCredentials(
            id.toString(), name, key, ApiSecrets.hash(secret), null, at, version);
    String eventId = Ids.event();
    String payload =
        EventEnvelope.encode(eventId, type, at, id.toString(), null, m::writeEventData);
    add(Streams.MERCHANT_EVENTS, payload);
    awaitApplied(eventId);
    return payload;
  }

  /**
   * Adds an entry that was delivered before (a redelivery, a re-driven outbox) and waits until this
   * service's group has read and acknowledged it.
   */
  public void redeliver(String stream, String payload) {
    String entryId = add(stream, payload);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> consumed(stream, entryId));
  }

  private boolean consumed(String stream, String entryId) {
    RedisStreams.GroupInfo group =
        streams.group(stream, Streams.REFUND_SERVICE).await().atMost(Duration.ofSeconds(5));
    return group != null && group.handled(entryId);
  }

  /** A new pending payment of the test merchant (not announced yet). */
  public static PaymentView newPayment(long amount) {
    return newPayment(TEST_MERCHANT, amount);
  }

  public static PaymentView newPayment(UUID merchant, long amount) {
    Instant now = Timestamps.now();
    return PaymentView.accepted(
        Ids.payment(),
        Ids.order(),
        merchant.toString(),
        amount,
        "INR",
        "upi",
        "user@paytm",
        null,
        null,
        now);
  }

  /** A successful payment of the test merchant, announced and projected. */
  public PaymentView succeeded(long amount) {
    return succeeded(TEST_MERCHANT, amount);
  }

  public PaymentView succeeded(UUID merchant, long amount) {
    PaymentView p = newPayment(merchant, amount);
    created(p);
    PaymentView done = settle(p, PaymentView.SUCCESS);
    awaitStatus(p.id(), PaymentView.SUCCESS);
    return done;
  }

  /** Publishes {@code payment.created} and {@code payment.pending}, as a new payment does. */
  public void created(PaymentView p) {
    send(EventType.PAYMENT_CREATED, p);
    send(EventType.PAYMENT_PENDING, p);
  }

  /** Publishes the payment's outcome ({@code success} or {@code failed}); returns it. */
  public PaymentView settle(PaymentView p, String status) {
    PaymentView done = with(p, status, false);
    send(
        PaymentView.SUCCESS.equals(status) ? EventType.PAYMENT_SUCCESS : EventType.PAYMENT_FAILED,
        done);
    return done;
  }

  /** Publishes one payment event; returns its event id. */
  public String send(EventType type, PaymentView p) {
    return publish(
        Streams.PAYMENT_EVENTS,
        type,
        Timestamps.now(),
        UUID.fromString(p.merchantId()),
        p::writeEventData);
  }

  /** The payment with another status (and captured flag). */
  public static PaymentView with(PaymentView p, String status, boolean captured) {
    return new PaymentView(
        p.id(),
        p.orderId(),
        p.merchantId(),
        p.amount(),
        p.currency(),
        p.method(),
        p.vpa(),
        p.cardNetwork(),
        p.cardLast4(),
        status,
        captured,
        PaymentView.FAILED.equals(status) ? "PAYMENT_FAILED" : null,
        PaymentView.FAILED.equals(status) ? "Payment was declined by the bank" : null,
        p.amountRefunded(),
        p.createdAt(),
        Timestamps.now());
  }

  /** Waits until the projection shows the payment with this status. */
  public void awaitStatus(String paymentId, String status) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                db.number(
                        "SELECT count(*) FROM refunds.payments WHERE id = ? AND status = ?",
                        paymentId,
                        status)
                    == 1);
  }

  /** Waits until an event id has been applied by a projection consumer. */
  public void awaitApplied(String eventId) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                db.number(
                        "SELECT count(*) FROM refunds.processed_events WHERE event_id = ?", eventId)
                    == 1);
  }

  private String publish(
      String stream,
      EventType type,
      Instant at,
      UUID merchant,
      Consumer<io.paystream.shared.json.JsonWriter> data) {
    String id = Ids.event();
    add(stream, EventEnvelope.encode(id, type, at, merchant.toString(), null, data));
    return id;
  }

  private String add(String stream, String payload) {
    return streams.add(stream, 100_000, payload).await().atMost(Duration.ofSeconds(5));
  }
}
