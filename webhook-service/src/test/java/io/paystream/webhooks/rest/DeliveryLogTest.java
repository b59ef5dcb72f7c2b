package io.paystream.webhooks.rest;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventType;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.testing.ServiceProcess;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/webhooks}: the list with its filters, the detail with every attempt. */
@QuarkusTest
class DeliveryLogTest {
  private static final Set<String> LIST_FIELDS =
      Set.of(
          "id",
          "event",
          "endpoint_url",
          "status",
          "attempts",
          "created_at",
          "last_attempt_at",
          "next_retry_at",
          "response_code",
          "event_id",
          "endpoint_id");

  @Inject RedisStreams streams;
  @Inject Pool pool;

  @Test
  void listFiltersAndDetailWithTheFirstKilobyteOfEachAnswer() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      r.answer("/big", new Answer(200, 0, "é".repeat(700))); // 1,400 bytes of UTF-8
      r.answer("/missing", new Answer(404, 0, "no such hook"));
      Publisher.endpoint(m, r.url("/big"));
      Publisher.endpoint(m, r.url("/missing"), "refund.created");
      pub.paymentSuccess(m.id());
      // The payment's delivery exists before the refund's two are made: it is the oldest.
      await().atMost(Duration.ofSeconds(10)).until(() -> total(m, "/api/v1/webhooks") == 1);
      RefundView refund =
          new RefundView(
              "rfnd_Lg1Lg2Lg3Lg4Lg5L",
              "pay_Q1w2E3r4T5y6U7i8",
              m.id().toString(),
              500,
              null,
              "pending",
              Timestamps.now(),
              null);
      pub.refundEvent(EventType.REFUND_CREATED, refund);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> r.hits("/big").size() == 2 && r.hits("/missing").size() == 1);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> total(m, "/api/v1/webhooks?status=success") == 2);

      JsonPath all = m.api().get("/api/v1/webhooks").then().statusCode(200).extract().jsonPath();
      assertEquals(3, all.getInt("total"));
      for (Map<String, Object> item : all.<Map<String, Object>>getList("data")) {
        assertEquals(LIST_FIELDS, item.keySet());
      }
      assertEquals(
          List.of("refund.created", "refund.created", "payment.success"),
          all.getList("data.event"),
          "newest first");

      JsonPath pending =
          m.api()
              .get("/api/v1/webhooks?status=pending")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals(1, pending.getInt("total"));
      assertEquals("refund.created", pending.getString("data[0].event"));
      assertEquals(404, pending.getInt("data[0].response_code"));
      assertEquals(1, pending.getInt("data[0].attempts"));
      assertNotNull(pending.getString("data[0].next_retry_at"));
      assertEquals(r.url("/missing"), pending.getString("data[0].endpoint_url"));
      m.api()
          .get("/api/v1/webhooks?event=refund.created&limit=5")
          .then()
          .body("total", equalTo(2))
          .body("limit", equalTo(5));
      m.api()
          .get("/api/v1/webhooks?event=payment.success&status=success")
          .then()
          .body("total", equalTo(1));

      String id =
          m.api().get("/api/v1/webhooks?event=payment.success").then().extract().path("data[0].id");
      JsonPath d =
          m.api().get("/api/v1/webhooks/" + id).then().statusCode(200).extract().jsonPath();
      assertEquals("success", d.getString("status"));
      assertNull(d.get("next_retry_at"));
      assertEquals("payment.success", d.getString("payload.event"));
      assertEquals(m.id().toString(), d.getString("payload.data.payment.merchant_id"));
      Map<String, Object> attempt = d.getMap("attempt_history[0]");
      assertEquals(
          Set.of(
              "attempt", "attempted_at", "response_code", "latency_ms", "response_body", "error"),
          attempt.keySet());
      assertEquals(1, attempt.get("attempt"));
      assertEquals(200, attempt.get("response_code"));
      assertNull(attempt.get("error"));
      assertEquals("é".repeat(512), attempt.get("response_body"), "the first 1 KB only");
    }
  }

  @Test
  void anyTwoHundredAnswerIsASuccessAndNoConnectionIsAFailedAttempt() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    int closed = ServiceProcess.freePort(); // nothing listens there
    try (Receiver r = Receiver.start()) {
      r.answer("/accepted", new Answer(202, 0, "queued"));
      r.answer("/no-content", new Answer(204, 0, ""));
      r.answer("/partial", new Answer(299, 0, "odd but 2xx"));
      for (String path : List.of("/accepted", "/no-content", "/partial")) {
        Publisher.endpoint(m, r.url(path));
      }
      Publisher.endpoint(m, "http://127.0.0.1:" + closed + "/hooks");
      pub.paymentSuccess(m.id());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  total(m, "/api/v1/webhooks?status=success") == 3
                      && total(m, "/api/v1/webhooks?status=pending") == 1
                      && m.api()
                          .get("/api/v1/webhooks?status=pending")
                          .then()
                          .extract()
                          .path("data[0].attempts")
                          .equals(1));
      JsonPath ok = m.api().get("/api/v1/webhooks?status=success").then().extract().jsonPath();
      assertEquals(Set.of(202, 204, 299), Set.copyOf(ok.<Integer>getList("data.response_code")));

      JsonPath pending = m.api().get("/api/v1/webhooks?status=pending").then().extract().jsonPath();
      assertNull(pending.get("data[0].response_code"));
      assertNotNull(pending.getString("data[0].next_retry_at"));
      Map<String, Object> attempt =
          m.api()
              .get("/api/v1/webhooks/" + pending.getString("data[0].id"))
              .then()
              .extract()
              .jsonPath()
              .getMap("attempt_history[0]");
      assertNull(attempt.get("response_code"));
      assertNull(attempt.get("response_body"));
      assertNotNull(attempt.get("error"));
    }
  }

  @Test
  void theDetailShowsTheLatestThousandAttemptsOldestFirst() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(m, r.url("/ok"));
      pub.paymentSuccess(m.id());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> total(m, "/api/v1/webhooks?status=success") == 1);
      String id = m.api().get("/api/v1/webhooks").then().extract().path("data[0].id");
      // 1,050 more attempts, as manual retries add them, each later than the one before.
      pool.preparedQuery(
              "INSERT INTO webhooks.delivery_attempts"
                  + " (delivery_id, attempt, attempted_at, response_code, latency_ms)"
                  + " SELECT $1, 1, now() + n * interval '1 second', 500, n"
                  + " FROM generate_series(1, 1050) n")
          .execute(Tuple.of(UUID.fromString(id)))
          .await()
          .atMost(Duration.ofSeconds(10));
      List<Integer> shown =
          m.api()
              .get("/api/v1/webhooks/" + id)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getList("attempt_history.latency_ms", Integer.class);
      assertEquals(IntStream.rangeClosed(51, 1050).boxed().toList(), shown);
    }
  }

  @Test
  void aRetryAskedWhileAnAttemptIsInFlightStartsAgainOnceThatAttemptHasEnded() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      long slowMillis = 3_000;
      r.answer("/slow", new Answer(200, slowMillis, "took a while"));
      String endpoint = Publisher.endpoint(m, r.url("/slow"));
      String id = Publisher.testEvent(m, endpoint);
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hits("/slow").size() == 1);
      m.api()
          .post("/api/v1/webhooks/" + id + "/retry")
          .then()
          .statusCode(200)
          .body("status", equalTo("pending"));
      m.api().get("/api/v1/webhooks/" + id).then().body("attempts", equalTo(0));

      // The second attempt of the event starts after the first has ended, not beside it.
      await().atMost(Duration.ofSeconds(15)).until(() -> r.hits("/slow").size() == 2);
      List<Receiver.Hit> hits = r.hits("/slow");
      long gap = hits.get(1).atMillis() - hits.get(0).atMillis();
      assertTrue(
          gap >= slowMillis - 100, "the second attempt began " + gap + " ms after the first");
      assertEquals(hits.get(0).header("webhook-id"), hits.get(1).header("webhook-id"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  "success"
                      .equals(
                          m.api().get("/api/v1/webhooks/" + id).jsonPath().getString("status")));
      // The history keeps both: the first round's attempt, then the new round's first.
      JsonPath detail = m.api().get("/api/v1/webhooks/" + id).then().extract().jsonPath();
      assertEquals(1, detail.getInt("attempts"));
      assertEquals(List.of(1, 1), detail.getList("attempt_history.attempt", Integer.class));
      assertEquals(
          List.of(200, 200), detail.getList("attempt_history.response_code", Integer.class));
      assertEquals(2, r.hits("/slow").size());
    }
  }

  @Test
  void filtersAndIdsAreChecked() {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    m.api()
        .get("/api/v1/webhooks?status=done")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("status"));
    m.api()
        .get("/api/v1/webhooks?event=payment.refunded")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("event"));
    m.api()
        .get("/api/v1/webhooks?offset=-1")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("offset"));
    m.api().get("/api/v1/webhooks?limit=abc").then().statusCode(400);
    m.api()
        .get("/api/v1/webhooks/" + UUID.randomUUID())
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
    m.api().get("/api/v1/webhooks/pay_123").then().statusCode(404);
    m.api().post("/api/v1/webhooks/" + UUID.randomUUID() + "/retry").then().statusCode(404);
    m.api().post("/api/v1/webhooks/x/retry").then().statusCode(404);
  }

  @Test
  void anotherMerchantsDeliveryCannotBeReadOrRetried() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant owner = pub.merchant("whsec_test_abc123");
    Merchant other = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(owner, r.url("/own"));
      pub.paymentSuccess(owner.id());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> total(owner, "/api/v1/webhooks?status=success") == 1);
      String id = owner.api().get("/api/v1/webhooks").then().extract().path("data[0].id");
      other
          .api()
          .get("/api/v1/webhooks/" + id)
          .then()
          .statusCode(404)
          .body("error.code", equalTo("NOT_FOUND_ERROR"));
      other
          .api()
          .post("/api/v1/webhooks/" + id + "/retry")
          .then()
          .statusCode(404)
          .body("error.code", equalTo("NOT_FOUND_ERROR"));
      // Nothing was retried: the owner's delivery stands as it was.
      owner
          .api()
          .get("/api/v1/webhooks/" + id)
          .then()
          .statusCode(200)
          .body("status", equalTo("success"))
          .body("attempts", equalTo(1));
      assertEquals(1, r.hits("/own").size());
    }
  }

  /** The {@code total} of a list of the merchant's deliveries. */
  private static int total(Merchant m, String path) {
    return m.api().get(path).then().statusCode(200).extract().<Integer>path("total");
  }
}
