package io.paystream.payments.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.paystream.payments.StreamReader;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProcessingTest {
  @Inject RedisStreams streams;

  @Test
  void testModeSucceedsAndEmitsCreatedPendingSuccessInOrder() {
    String id = Api.payment("user@paytm"); // TEST_PAYMENT_SUCCESS defaults to true
    JsonPath done = Api.awaitStatus(id, "success");
    assertNull(done.getString("error_code"));
    List<EventType> types = awaitEvents(id, 3);
    assertEquals(
        List.of(EventType.PAYMENT_CREATED, EventType.PAYMENT_PENDING, EventType.PAYMENT_SUCCESS),
        types);
  }

  @Test
  void failureInstrumentsFailWithTheirCodes() {
    JsonPath upi = Api.awaitStatus(Api.payment("failure@okbank"), "failed");
    assertEquals("PAYMENT_FAILED", upi.getString("error_code"));
    assertTrue(upi.getString("error_description").length() > 5);

    String card =
        Api.merchant()
            .body(Api.card(Api.order(5_000), "4000 0000 0000 0002", "12", "39", "123"))
            .post("/api/v1/payments")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    JsonPath declined = Api.awaitStatus(card, "failed");
    assertEquals("CARD_DECLINED", declined.getString("error_code"));
    List<EventType> types = awaitEvents(card, 3);
    assertEquals(EventType.PAYMENT_FAILED, types.get(2));
  }

  @Test
  void successCardSucceeds() {
    String card =
        Api.merchant()
            .body(Api.card(Api.order(5_000), "4111111111111111", "12", "39", "123"))
            .post("/api/v1/payments")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    Api.awaitStatus(card, "success");
  }

  @Test
  void eventsCarryThePaymentAsTheApiShowsIt() {
    String id = Api.payment("success@bank");
    JsonPath api = Api.awaitStatus(id, "success");
    awaitEvents(id, 3);
    EventEnvelope success = StreamReader.aboutPayment(streams, Streams.PAYMENT_EVENTS, id).get(2);
    PaymentView inEvent = PaymentView.fromEventData(success.data());
    assertEquals(
        api.getString("updated_at"),
        io.paystream.shared.time.Timestamps.format(inEvent.updatedAt()));
    assertEquals("success", inEvent.status());
    assertEquals(api.getString("merchant_id"), success.merchantId());
    assertTrue(success.id().matches("evt_[A-Za-z0-9]{16}"));
  }

  @Test
  void jobStatusCountsRealWorkAndReportsALiveWorker() {
    JsonPath before = jobs();
    String id = Api.payment("success@bank");
    Api.awaitStatus(id, "success");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> jobs().getLong("completed") >= before.getLong("completed") + 1);
    // Only payments-service runs here: the whole waits for refund and webhook workers too.
    JsonPath after = jobs();
    assertEquals("running", after.getString("queues.payments.worker_status"));
  }

  private static JsonPath jobs() {
    return io.restassured.RestAssured.get("/api/v1/test/jobs/status")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private List<EventType> awaitEvents(String paymentId, int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                StreamReader.aboutPayment(streams, Streams.PAYMENT_EVENTS, paymentId).size()
                    >= count);
    return StreamReader.aboutPayment(streams, Streams.PAYMENT_EVENTS, paymentId).stream()
        .map(EventEnvelope::type)
        .toList();
  }
}
