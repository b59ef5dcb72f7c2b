package io.paystream.webhooks.signing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.signing.SigningSecret;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.time.Timestamps;
import io.paystream.webhooks.NodeReceiver;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Hit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * What a receiver gets: the exact stored bytes, an {@code X-Webhook-Signature} that a JavaScript
 * receiver re-stringifying the body verifies, and Standard Webhooks headers that the third-party
 * library verifies, for both key derivations (a secret that is base64 after {@code whsec_}, and the
 * test merchant's, which is not).
 */
@QuarkusTest
class SignatureTest {
  /** Text that JSON escapes in every way there is, and a number beyond 2^53. */
  private static final String AWKWARD =
      "Déclinée par la banque “quoted” \"q\" \\ / \n\t\u0001 \u2028\u2029 😀 </script> ₹ 日本";

  @Inject RedisStreams streams;

  @Test
  void theTestMerchantsSecretSignsWithItsUtf8BytesAndTheLibraryVerifies() throws Exception {
    checkSignedDelivery("whsec_test_abc123");
  }

  @Test
  void aBase64SecretSignsWithItsDecodedKeyAndTheLibraryVerifies() throws Exception {
    checkSignedDelivery(SigningSecret.generate());
  }

  private void checkSignedDelivery(String secret) throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant(secret);
    try (Receiver receiver = Receiver.start()) {
      Publisher.endpoint(m, receiver.url("/hook"));
      PaymentView p =
          new PaymentView(
              "pay_Q1w2E3r4T5y6U7i8",
              "order_A1s2D3f4G5h6J7k8",
              m.id().toString(),
              12_345_678_901_234_567L,
              "INR",
              "card",
              null,
              "visa",
              "1111",
              "failed",
              false,
              "PAYMENT_FAILED",
              AWKWARD,
              0,
              Instant.parse("2026-01-15T10:31:00Z"),
              Instant.parse("2026-01-15T10:31:07Z"));
      long before = Instant.now().getEpochSecond();
      String eventId = pub.paymentEvent(EventType.PAYMENT_FAILED, p);
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.hits("/hook").size() == 1);
      Hit hit = receiver.hits("/hook").get(0);

      assertEquals("application/json", hit.header("Content-Type"));
      assertEquals(eventId, hit.header("webhook-id"));
      long ts = Long.parseLong(hit.header("webhook-timestamp"));
      assertTrue(ts >= before && ts <= Instant.now().getEpochSecond(), "timestamp of the attempt");

      // The body: the canonical bytes of {"event","timestamp","data":{"payment":…}}.
      JsonWriter expected = new JsonWriter().beginObject().name("event").value("payment.failed");
      long eventAt = eventTimestamp(hit);
      assertTrue(eventAt >= before && eventAt <= ts, "the event's own time, in Unix seconds");
      expected.name("timestamp").value(eventAt);
      expected.name("data");
      p.writeEventData(expected);
      assertArrayEquals(expected.endObject().toBytes(), hit.body());
      assertTrue(hit.bodyText().contains("\"amount\":12345678901234568"), hit.bodyText());
      // Read by an independent parser: the contract's names and values, the text intact.
      JsonNode body = new ObjectMapper().readTree(hit.body());
      assertEquals("payment.failed", body.path("event").asText());
      assertEquals(eventAt, body.path("timestamp").asLong());
      JsonNode paid = body.path("data").path("payment");
      assertEquals("pay_Q1w2E3r4T5y6U7i8", paid.path("id").asText());
      assertEquals("order_A1s2D3f4G5h6J7k8", paid.path("order_id").asText());
      assertEquals(m.id().toString(), paid.path("merchant_id").asText());
      assertEquals("INR", paid.path("currency").asText());
      assertEquals("card", paid.path("method").asText());
      assertEquals("visa", paid.path("card_network").asText());
      assertEquals("1111", paid.path("card_last4").asText());
      assertEquals("failed", paid.path("status").asText());
      assertTrue(paid.path("captured").isBoolean() && !paid.path("captured").asBoolean());
      assertEquals("PAYMENT_FAILED", paid.path("error_code").asText());
      assertEquals(AWKWARD, paid.path("error_description").asText());
      assertEquals(0, paid.path("amount_refunded").asLong());
      assertEquals("2026-01-15T10:31:00Z", paid.path("created_at").asText());
      assertEquals("2026-01-15T10:31:07Z", paid.path("updated_at").asText());

      // X-Webhook-Signature: hex HMAC-SHA256 of the exact bytes, keyed with the secret's UTF-8.
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      assertEquals(
          HexFormat.of().formatHex(mac.doFinal(hit.body())), hit.header("X-Webhook-Signature"));

      // Standard Webhooks, verified by the third-party library with the key the rule derives.
      new Webhook(SigningSecret.standardWebhooksKey(secret))
          .verify(hit.bodyText(), hit.standardWebhooksHeaders());
      if (secret.equals("whsec_test_abc123")) {
        assertArrayEquals(
            secret.getBytes(StandardCharsets.UTF_8), SigningSecret.standardWebhooksKey(secret));
      } else {
        new Webhook(secret)
            .verify(hit.bodyText(), hit.standardWebhooksHeaders()); // the library's own parsing
      }

      // The log keeps exactly the bytes that were sent.
      String deliveryId =
          m.api().get("/api/v1/webhooks").then().statusCode(200).extract().path("data[0].id");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  "success"
                      .equals(
                          m.api()
                              .get("/api/v1/webhooks/" + deliveryId)
                              .then()
                              .extract()
                              .path("status")));
      String detail = m.api().get("/api/v1/webhooks/" + deliveryId).then().extract().asString();
      assertTrue(detail.contains("\"payload\":" + hit.bodyText() + ","), detail);
    }
  }

  @Test
  void aReceiverThatReStringifiesTheParsedBodyVerifiesEveryEvent() throws Exception {
    Publisher pub = new Publisher(streams);
    String secret = SigningSecret.generate();
    Merchant m = pub.merchant(secret);
    try (NodeReceiver node = NodeReceiver.start(secret)) {
      Publisher.endpoint(m, node.url("/node"));
      PaymentView failed = Publisher.payment(m.id(), "failed", AWKWARD);
      pub.paymentEvent(EventType.PAYMENT_CREATED, Publisher.payment(m.id(), "pending", null));
      pub.paymentEvent(EventType.PAYMENT_FAILED, failed);
      Instant now = Timestamps.now();
      RefundView refund =
          new RefundView(
              "rfnd_Z9x8C7v6B5n4M3l2",
              "pay_Q1w2E3r4T5y6U7i8",
              m.id().toString(),
              1_000,
              AWKWARD,
              "processed",
              now,
              now);
      pub.refundEvent(EventType.REFUND_PROCESSED, refund);
      m.api().post("/api/v1/webhook-endpoints/" + endpointOf(m) + "/test").then().statusCode(202);

      await().atMost(Duration.ofSeconds(15)).until(() -> successes(m) == 4);
      for (Object id :
          m.api().get("/api/v1/webhooks").then().extract().jsonPath().getList("data.id")) {
        JsonPath d = m.api().get("/api/v1/webhooks/" + id).then().extract().jsonPath();
        assertEquals(200, d.getInt("response_code"));
        assertEquals("verified", d.getString("attempt_history[0].response_body"));
      }
    }
  }

  private static String endpointOf(Merchant m) {
    return m.api().get("/api/v1/webhook-endpoints").then().extract().path("data[0].id");
  }

  private static int successes(Merchant m) {
    List<String> statuses =
        m.api()
            .get("/api/v1/webhooks?limit=100")
            .then()
            .extract()
            .jsonPath()
            .getList("data.status");
    assertNotNull(statuses);
    return (int) statuses.stream().filter("success"::equals).count();
  }

  private static long eventTimestamp(Hit hit) {
    return JsonPath.from(hit.bodyText()).getLong("timestamp");
  }
}
