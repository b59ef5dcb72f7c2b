package io.paystream.payments.rest;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.payments.Api;
import io.paystream.payments.StreamReader;
import io.paystream.shared.event.EventType;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CaptureTest {
  @Inject RedisStreams streams;

  @Test
  void capturesASuccessfulPaymentOnceForItsExactAmount() {
    String id = Api.payment("success@bank");
    Api.awaitStatus(id, "success");
    for (int amount : new int[] {49_999, 50_001}) {
      Api.merchant()
          .body("{\"amount\":" + amount + "}")
          .post("/api/v1/payments/" + id + "/capture")
          .then()
          .statusCode(400)
          .body("error.code", equalTo("BAD_REQUEST_ERROR"))
          .body("error.field", equalTo("amount"))
          .body("error.description", equalTo("amount must equal the payment amount of 50000"));
    }
    for (String amount : new String[] {"\"50000\"", "50000.5", "5e4"}) {
      Api.merchant()
          .body("{\"amount\":" + amount + "}")
          .post("/api/v1/payments/" + id + "/capture")
          .then()
          .statusCode(400)
          .body("error.field", equalTo("amount"))
          .body("error.description", equalTo("amount must be an integer"));
    }
    Api.merchant()
        .body("{}")
        .post("/api/v1/payments/" + id + "/capture")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("amount"));
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + id + "/capture")
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("captured", equalTo(true))
        .body("status", equalTo("success"));
    Api.merchant().get("/api/v1/payments/" + id).then().body("captured", equalTo(true));
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + id + "/capture")
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Payment not in capturable state"));
  }

  @Test
  void failedPaymentsAreNotCapturable() {
    String failed = Api.payment("failure@bank");
    Api.awaitStatus(failed, "failed");
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + failed + "/capture")
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Payment not in capturable state"));
  }

  @Test
  void unknownOrForeignPaymentIsNotFound() {
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/pay_nope000000000000/capture")
        .then()
        .statusCode(404);
    String id = Api.payment("success@bank");
    Api.awaitStatus(id, "success");
    String[] other = Api.newMerchant();
    Api.as(other[1], other[2])
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + id + "/capture")
        .then()
        .statusCode(404);
  }

  /**
   * Captures sent at once for one payment: exactly one captures it (and announces it once); every
   * other is refused, however their reads and writes interleave.
   */
  @Test
  void capturesSentAtOnceCaptureOnce() throws Exception {
    String id = Api.payment("success@bank");
    Api.awaitStatus(id, "success");
    int requests = 16;
    ExecutorService threads = Executors.newFixedThreadPool(requests);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Response>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        answers.add(
            threads.submit(
                () -> {
                  go.await();
                  return Api.merchant()
                      .body("{\"amount\":50000}")
                      .post("/api/v1/payments/" + id + "/capture");
                }));
      }
      go.countDown();
      int captured = 0;
      for (Future<Response> answer : answers) {
        Response r = answer.get(30, TimeUnit.SECONDS);
        if (r.statusCode() == 200) {
          captured++;
        } else {
          assertEquals(400, r.statusCode(), r.asString());
          assertEquals("Payment not in capturable state", r.path("error.description"));
        }
      }
      assertEquals(1, captured, "captures answered 200");
    } finally {
      threads.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> capturedEvents(id) >= 1);
    Thread.sleep(1_000); // a second event, were there one, is published by now
    assertEquals(1, capturedEvents(id));
  }

  private long capturedEvents(String paymentId) {
    return StreamReader.aboutPayment(streams, Streams.PAYMENT_EVENTS, paymentId).stream()
        .filter(e -> e.type() == EventType.PAYMENT_CAPTURED)
        .count();
  }
}
