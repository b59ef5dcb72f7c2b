package io.paystream.webhooks.messaging;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events become deliveries once per event and endpoint, whatever the stream does. */
@QuarkusTest
class IntakeTest {
  @Inject RedisStreams streams;

  @Test
  void aRedeliveredEventNeverDoublesAWebhookAndOtherEventsAreNotWebhooks() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(m, r.url("/once"));
      PaymentView p = Publisher.payment(m.id(), "success", null);
      String envelope =
          EventEnvelope.encode(
              "evt_RedeliveredOnce1",
              EventType.PAYMENT_SUCCESS,
              Timestamps.now(),
              m.id().toString(),
              null,
              p::writeEventData);
      pub.add(Streams.PAYMENT_EVENTS, envelope);
      pub.add(Streams.PAYMENT_EVENTS, envelope); // the same event again, as a new entry
      RefundView refund =
          new RefundView(
              "rfnd_NotAWebhook0001",
              p.id(),
              m.id().toString(),
              100,
              null,
              "failed",
              Timestamps.now(),
              null);
      pub.refundEvent(EventType.REFUND_FAILED, refund); // not an event merchants receive
      String marker = pub.paymentSuccess(m.id());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> r.hits("/once").stream().anyMatch(h -> marker.equals(h.header("webhook-id"))));
      pub.add(Streams.PAYMENT_EVENTS, envelope); // and once more, after it was delivered
      Thread.sleep(1_000);
      assertEquals(
          1,
          r.hits("/once").stream()
              .filter(h -> "evt_RedeliveredOnce1".equals(h.header("webhook-id")))
              .count());
      assertEquals(2, r.hits("/once").size());
      m.api().get("/api/v1/webhooks").then().body("total", equalTo(2));
    }
  }

  @Test
  void redirectsAreNotFollowed() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      r.answer("/moved", new Answer(302, 0, "", Map.of("Location", r.url("/elsewhere"))));
      Publisher.endpoint(m, r.url("/moved"));
      pub.paymentSuccess(m.id());
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hits("/moved").size() == 1);
      JsonPath d =
          await()
              .atMost(Duration.ofSeconds(5))
              .until(
                  () -> m.api().get("/api/v1/webhooks").then().extract().jsonPath(),
                  l -> l.getInt("data[0].attempts") == 1);
      assertEquals(302, d.getInt("data[0].response_code"));
      assertEquals("pending", d.getString("data[0].status"), "a 3xx is a failed attempt");
      Thread.sleep(500);
      assertEquals(0, r.hits("/elsewhere").size());
    }
  }
}
