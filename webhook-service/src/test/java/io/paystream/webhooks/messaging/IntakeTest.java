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
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Events become deliveries once per event and endpoint, whatever the stream does. */
@QuarkusTest
class IntakeTest {
  @Inject RedisStreams streams;
  @Inject Pool pool;

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
  void anEventReachesTheEndpointsThatExistedWhenItHappenedOnly() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      String older = Publisher.endpoint(m, r.url("/older"));
      pool.preparedQuery(
              "UPDATE webhooks.endpoints SET created_at = now() - interval '1 hour' WHERE id = $1")
          .execute(Tuple.of(UUID.fromString(older)))
          .await()
          .atMost(Duration.ofSeconds(5));
      Publisher.endpoint(m, r.url("/newer"));
      // An event from ten minutes ago, as a re-drive brings it back after Redis lost its streams:
      // no news to the endpoint added since.
      String redriven =
          pub.paymentEvent(
              EventType.PAYMENT_SUCCESS,
              Publisher.payment(m.id(), "success", null),
              Timestamps.now().minusSeconds(600));
      String marker = pub.paymentSuccess(m.id());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  r.hits("/newer").stream().anyMatch(h -> marker.equals(h.header("webhook-id")))
                      && r.hits("/older").size() == 2);
      assertEquals(
          Set.of(redriven, marker),
          r.hits("/older").stream().map(h -> h.header("webhook-id")).collect(Collectors.toSet()));
      assertEquals(
          List.of(marker), r.hits("/newer").stream().map(h -> h.header("webhook-id")).toList());
      // An event's deliveries are made by one statement: the older endpoint's is its only one.
      assertEquals(
          1L,
          pool.preparedQuery("SELECT count(*) FROM webhooks.deliveries WHERE event_id = $1")
              .execute(Tuple.of(redriven))
              .await()
              .atMost(Duration.ofSeconds(5))
              .iterator()
              .next()
              .getLong(0));
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
