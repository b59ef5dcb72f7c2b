package io.paystream.webhooks.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What a {@code PATCH} of an endpoint does to its deliveries waiting for their next attempt. */
@QuarkusTest
class EndpointChangesTest {
  @Inject RedisStreams streams;

  @Test
  void aWaitingDeliveryGoesToTheEndpointsNewUrlAndTheLogSaysSo() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      r.answer("/old", new Receiver.Answer(500, 0, "down"));
      String endpoint = Publisher.endpoint(m, r.url("/old"));
      pub.paymentSuccess(m.id());
      JsonPath waiting =
          firstDelivery(m, l -> Integer.valueOf(1).equals(l.get("data[0].attempts")));
      String delivery = waiting.getString("data[0].id");
      assertEquals(r.url("/old"), waiting.getString("data[0].endpoint_url"));

      m.api()
          .body("{\"url\":\"" + r.url("/new") + "\"}")
          .patch("/api/v1/webhook-endpoints/" + endpoint)
          .then()
          .statusCode(200);
      // Still waiting for its second attempt (5 s after the first): the log shows where it goes.
      JsonPath detail = m.api().get("/api/v1/webhooks/" + delivery).then().extract().jsonPath();
      assertEquals("pending", detail.getString("status"));
      assertEquals(r.url("/new"), detail.getString("endpoint_url"));
      assertEquals(
          r.url("/new"),
          m.api()
              .get("/api/v1/webhooks")
              .then()
              .extract()
              .jsonPath()
              .getString("data[0].endpoint_url"));

      JsonPath done = firstDelivery(m, l -> "success".equals(l.getString("data[0].status")));
      assertEquals(r.url("/new"), done.getString("data[0].endpoint_url"));
      assertEquals(1, r.hits("/new").size());
      assertEquals(1, r.hits("/old").size());
    }
  }

  @Test
  void aWaitingDeliveryOfAnEventTheEndpointNoLongerTakesIsClosedNotSent() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      r.answer("/hooks", new Receiver.Answer(500, 0, "down"));
      String endpoint = Publisher.endpoint(m, r.url("/hooks"));
      pub.paymentSuccess(m.id());
      firstDelivery(m, l -> Integer.valueOf(1).equals(l.get("data[0].attempts")));

      m.api()
          .body("{\"events\":[\"payment.failed\",\"refund.processed\"]}")
          .patch("/api/v1/webhook-endpoints/" + endpoint)
          .then()
          .statusCode(200);
      JsonPath closed = firstDelivery(m, l -> "failed".equals(l.getString("data[0].status")));
      JsonPath detail =
          m.api()
              .get("/api/v1/webhooks/" + closed.getString("data[0].id"))
              .then()
              .extract()
              .jsonPath();
      assertEquals(
          "endpoint no longer takes payment.success events",
          detail.getString("attempt_history[1].error"));
      assertEquals(1, r.hits("/hooks").size(), "nothing sent after the change");

      // A test event is sent whatever the endpoint's filter.
      r.answer("/hooks", Receiver.Answer.OK);
      m.api().post("/api/v1/webhook-endpoints/" + endpoint + "/test").then().statusCode(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hits("/hooks").size() == 2);
      assertEquals("webhook.test", JsonPath.from(r.hits("/hooks").get(1).bodyText()).get("event"));
    }
  }

  private static JsonPath firstDelivery(Merchant m, Predicate<JsonPath> until) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> m.api().get("/api/v1/webhooks").then().extract().jsonPath(), until);
  }
}
