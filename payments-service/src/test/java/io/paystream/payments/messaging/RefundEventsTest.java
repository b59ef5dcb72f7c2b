package io.paystream.payments.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.InFlightSampling;
import io.paystream.shared.time.Timestamps;
import io.paystream.shared.web.CommonConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** refund-service's events reach {@code amount_refunded}, once per event. */
@QuarkusTest
class RefundEventsTest {
  @Inject RedisStreams streams;
  @Inject RefundEventsConsumer refundEvents;
  @Inject CommonConfig server;

  @Test
  void createdRefundsAddUpOncePerEventAndFailedOnesGiveBack() {
    String payment = Api.payment("success@bank");
    Api.awaitStatus(payment, "success");
    Instant now = Timestamps.now();
    RefundView r1 =
        new RefundView(
            "rfnd_aaaaaaaaaaaaaaaa",
            payment,
            "550e8400-e29b-41d4-a716-446655440000",
            1_000,
            "dup",
            "pending",
            now,
            null);
    RefundView r2 =
        new RefundView(
            "rfnd_bbbbbbbbbbbbbbbb",
            payment,
            "550e8400-e29b-41d4-a716-446655440000",
            2_000,
            null,
            "pending",
            now,
            null);
    String e1 =
        EventEnvelope.encode(
            "evt_refundcreated001",
            EventType.REFUND_CREATED,
            now,
            r1.merchantId(),
            null,
            r1::writeEventData);
    String e2 =
        EventEnvelope.encode(
            "evt_refundcreated002",
            EventType.REFUND_CREATED,
            now,
            r2.merchantId(),
            null,
            r2::writeEventData);
    publish(e1);
    publish(e1); // redelivered: applied once
    publish(e2);
    awaitRefunded(payment, 3_000);
    String failed =
        EventEnvelope.encode(
            "evt_refundfailed0001",
            EventType.REFUND_FAILED,
            now,
            r2.merchantId(),
            null,
            r2::writeEventData);
    publish(failed);
    awaitRefunded(payment, 1_000);
    String processed =
        EventEnvelope.encode(
            "evt_refundprocessed1",
            EventType.REFUND_PROCESSED,
            now,
            r1.merchantId(),
            null,
            r1::writeEventData);
    publish(processed);
    publish("not an envelope"); // dead-lettered, never blocks the group
    String r3Event =
        EventEnvelope.encode(
            "evt_refundcreated003",
            EventType.REFUND_CREATED,
            now,
            r1.merchantId(),
            null,
            new RefundView(
                    "rfnd_cccccccccccccccc",
                    payment,
                    r1.merchantId(),
                    500,
                    null,
                    "pending",
                    now,
                    null)
                ::writeEventData);
    publish(r3Event);
    awaitRefunded(payment, 1_500);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                !streams
                    .latest(Streams.deadLetters(Streams.REFUND_EVENTS), 10)
                    .await()
                    .indefinitely()
                    .isEmpty());
  }

  @Test
  void aBacklogOfRefundEventsLeavesHalfThePoolToRequests() {
    Instant now = Timestamps.now();
    List<Request> adds = new ArrayList<>();
    int backlog = 3_000;
    for (int i = 0; i < backlog; i++) {
      RefundView r =
          new RefundView(
              Ids.refund(),
              Ids.payment(),
              "550e8400-e29b-41d4-a716-446655440000",
              100,
              null,
              "pending",
              now,
              null);
      adds.add(
          RedisStreams.xadd(
              Streams.REFUND_EVENTS,
              EventEnvelope.encode(
                  Ids.event(),
                  EventType.REFUND_CREATED,
                  now,
                  r.merchantId(),
                  null,
                  r::writeEventData)));
    }
    int most =
        InFlightSampling.mostInFlight(
            refundEvents.consumer(),
            backlog,
            () -> streams.batch(adds).await().atMost(Duration.ofSeconds(30)));
    assertTrue(most > 0, "the backlog was seen in flight");
    assertTrue(
        most <= server.server().dbPoolSize() / 2,
        most
            + " refund events were handled at once, each a statement, on a pool of "
            + server.server().dbPoolSize());
  }

  private void publish(String payload) {
    streams.add(Streams.REFUND_EVENTS, 100_000, payload).await().indefinitely();
  }

  private static void awaitRefunded(String payment, long expected) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Api.merchant()
                        .get("/api/v1/payments/" + payment)
                        .then()
                        .extract()
                        .<Integer>path("amount_refunded")
                    == expected);
    assertEquals(
        expected,
        (int)
            Api.merchant()
                .get("/api/v1/payments/" + payment)
                .then()
                .extract()
                .<Integer>path("amount_refunded"));
  }

  @Test
  void aPaymentRefundedInFullCannotBeCaptured() {
    String payment = Api.payment("success@bank");
    Api.awaitStatus(payment, "success");
    Instant now = Timestamps.now();
    RefundView all =
        new RefundView(
            "rfnd_dddddddddddddddd",
            payment,
            "550e8400-e29b-41d4-a716-446655440000",
            50_000,
            null,
            "pending",
            now,
            null);
    publish(
        EventEnvelope.encode(
            "evt_refundcreated004",
            EventType.REFUND_CREATED,
            now,
            all.merchantId(),
            null,
            all::writeEventData));
    awaitRefunded(payment, 50_000);
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + payment + "/capture")
        .then()
        .statusCode(400)
        .body(
            "error.description", org.hamcrest.Matchers.equalTo("Payment not in capturable state"));
  }
}
