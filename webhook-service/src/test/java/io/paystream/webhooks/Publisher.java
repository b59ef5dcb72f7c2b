package io.paystream.webhooks;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.paystream.webhooks.delivery.NewEvent;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Plays payments-service (and refund-service) for the tests: announces merchants and publishes
 * payment and refund events, built with shared-model's types, straight into the streams.
 */
public final class Publisher {
  public static final String TEST_MERCHANT = "550e8400-e29b-41d4-a716-446655440000";
  private static final SecretBox BOX = SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);

  private final RedisStreams streams;

  public Publisher(RedisStreams streams) {
    this.streams = streams;
  }

  /** A merchant as the API sees it. */
  public record Merchant(UUID id, String apiKey, String apiSecret, String webhookSecret) {
    /** A request as this merchant to the test's own app. */
    public RequestSpecification api() {
      return given()
          .header("X-Api-Key", apiKey)
          .header("X-Api-Secret", apiSecret)
          .contentType(ContentType.JSON);
    }

    /** A request as this merchant to the service at {@code baseUri}. */
    public RequestSpecification api(String baseUri) {
      return api().baseUri(baseUri).port(-1);
    }

    /**
     * All the merchant has, as it reads it from the service at {@code baseUri} (null: the test's
     * own app): its endpoints, its deliveries with the detail of {@code delivery}, and its secret.
     * The same before and after a request: that request changed nothing.
     */
    public String holdings(String baseUri, String delivery) {
      return String.join(
          "\n",
          read(baseUri, "/api/v1/webhook-endpoints?limit=100"),
          read(baseUri, "/api/v1/webhooks?limit=100"),
          read(baseUri, "/api/v1/webhooks/" + delivery),
          read(baseUri, "/api/v1/webhook-secret"));
    }

    private String read(String baseUri, String path) {
      return (baseUri == null ? api() : api(baseUri))
          .get(path)
          .then()
          .statusCode(200)
          .extract()
          .asString();
    }
  }

  /**
   * Announces a new merchant with this first webhook secret and waits until it can call the API.
   */
  public Merchant merchant(String webhookSecret) {
    return merchant(webhookSecret, (String[]) null);
  }

  /** The same, waiting until the merchant can call each of {@code instances} (base URIs). */
  public Merchant merchant(String webhookSecret, String... instances) {
    Merchant m =
        new Merchant(
            UUID.randomUUID(),
            "key_test_" + Ids.random(12),
            "secret_test_" + Ids.random(20),
            webhookSecret);
    announce(m, EventType.MERCHANT_CREATED, BOX.seal(webhookSecret), Timestamps.now());
    for (String base : instances == null ? new String[] {null} : instances) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  (base == null ? m.api() : m.api(base))
                          .get("/api/v1/webhook-endpoints")
                          .statusCode()
                      == 200);
    }
    return m;
  }

  /**
   * Publishes a merchant event for {@code m} with these credentials, as of {@code at}, without a
   * credentials version (as a release before versions wrote them).
   */
  public String announce(Merchant m, EventType type, String sealedWebhookSecret, Instant at) {
    return announce(m, type, sealedWebhookSecret, at, null);
  }

  /** Publishes a merchant event for {@code m} with these credentials, as of {@code at}. */
  public String announce(
      Merchant m, EventType type, String sealedWebhookSecret, Instant at, Long version) {
    String id = Ids.event();
    add(Streams.MERCHANT_EVENTS, merchantEvent(id, m, type, sealedWebhookSecret, at, version));
    return id;
  }

  /**
   * As {@link #announce}, and waits until this service has handled the event: its entry delivered
   * to the group and acknowledged. (Entries are handled concurrently: a later one's effect is no
   * sign that an earlier one is done.)
   */
  public void announceHandled(Merchant m, EventType type, Instant at, Long version) {
    String entry =
        streams
            .add(
                Streams.MERCHANT_EVENTS,
                1_000_000,
                merchantEvent(Ids.event(), m, type, null, at, version))
            .await()
            .atMost(Duration.ofSeconds(5));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> handled(Streams.MERCHANT_EVENTS, entry));
  }

  private boolean handled(String stream, String entry) {
    RedisStreams.GroupInfo group =
        streams.group(stream, Streams.WEBHOOK_SERVICE).await().atMost(Duration.ofSeconds(5));
    return group != null && group.handled(entry);
  }

  private static String merchantEvent(
      String id, Merchant m, EventType type, String sealedWebhookSecret, Instant at, Long version) {
    MerchantCredentials c =
        new MerchantCredentials(
            m.id().toString(),
            "Shop " + m.apiKey(),
            m.apiKey(),
            ApiSecrets.hash(m.apiSecret()),
            sealedWebhookSecret,
            at,
            version);
    return EventEnvelope.encode(id, type, at, m.id().toString(), null, c::writeEventData);
  }

  /** A payment of the merchant in {@code status}. */
  public static PaymentView payment(UUID merchant, String status, String errorDescription) {
    Instant now = Timestamps.now();
    return new PaymentView(
        Ids.payment(),
        Ids.order(),
        merchant.toString(),
        50_000,
        "INR",
        "upi",
        "user@paytm",
        null,
        null,
        status,
        false,
        errorDescription == null ? null : "PAYMENT_FAILED",
        errorDescription,
        0,
        now,
        now);
  }

  /** Publishes a payment event; returns its event id. */
  public String paymentEvent(EventType type, PaymentView p) {
    return paymentEvent(type, p, Timestamps.now());
  }

  /** Publishes a payment event that happened at {@code at}; returns its event id. */
  public String paymentEvent(EventType type, PaymentView p, Instant at) {
    String id = Ids.event();
    add(
        Streams.PAYMENT_EVENTS,
        EventEnvelope.encode(id, type, at, p.merchantId(), requestOf(id), p::writeEventData));
    return id;
  }

  /**
   * The id of the request that caused the event {@code eventId}, as payments-service records it.
   */
  public static String requestOf(String eventId) {
    return "req-" + eventId;
  }

  /** Publishes a {@code payment.success} event for a new payment; returns its event id. */
  public String paymentSuccess(UUID merchant) {
    return paymentEvent(EventType.PAYMENT_SUCCESS, payment(merchant, "success", null));
  }

  /** Publishes a refund event; returns its event id. */
  public String refundEvent(EventType type, RefundView r) {
    String id = Ids.event();
    add(
        Streams.REFUND_EVENTS,
        EventEnvelope.encode(id, type, Timestamps.now(), r.merchantId(), null, r::writeEventData));
    return id;
  }

  /** Adds an entry as it is (an envelope, or anything else). */
  public void add(String stream, String payload) {
    streams.add(stream, 1_000_000, payload).await().atMost(Duration.ofSeconds(5));
  }

  /**
   * A {@code payment.success} event of {@code merchant} that happened {@code at}, as the intake
   * hands it to the statement that creates its deliveries (body {@code {}}).
   */
  public static NewEvent newEvent(UUID merchant, Instant at) {
    return new NewEvent(
        Ids.event(), merchant, "payment.success", "{}".getBytes(StandardCharsets.UTF_8), null, at);
  }

  /** Creates an endpoint for the merchant; returns its id. */
  public static String endpoint(Merchant m, String url, String... events) {
    StringBuilder body = new StringBuilder("{\"url\":\"").append(url).append('"');
    if (events.length > 0) {
      body.append(",\"events\":[");
      for (int i = 0; i < events.length; i++) {
        body.append(i == 0 ? "" : ",").append('"').append(events[i]).append('"');
      }
      body.append(']');
    }
    return m.api()
        .body(body.append('}').toString())
        .post("/api/v1/webhook-endpoints")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  /** Sends {@code webhook.test} to the endpoint (202); returns the delivery's id. */
  public static String testEvent(Merchant m, String endpointId) {
    return m.api()
        .post("/api/v1/webhook-endpoints/" + endpointId + "/test")
        .then()
        .statusCode(202)
        .extract()
        .path("id");
  }
}
