package io.paystream.refunds.rest;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.refunds.Api;
import io.paystream.refunds.Upstream;
import io.paystream.refunds.UpstreamTest;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.json.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Idempotency-Key on refund creation: the semantics of payments, through the shared code. */
@QuarkusTest
class IdempotencyTest extends UpstreamTest {
  @Inject IdempotencyStore store;
  @Inject IdempotentRun idempotent;

  @Test
  void replaysTheStoredResponseByteForByteAndCreatesNothingNew() {
    PaymentView p = upstream.succeeded(10_000);
    String key = "k-" + UUID.randomUUID();
    Response first = post(key, p.id(), Api.body(1_000, "first"));
    assertEquals(201, first.statusCode());
    assertNull(first.header("Idempotent-Replayed"));
    Response again = post(key, p.id(), "{ \"reason\": \"first\", \"amount\": 1000 }");
    assertEquals(201, again.statusCode());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertArrayEquals(first.asByteArray(), again.asByteArray());
    assertEquals(1, refundsOf(p.id()));
    assertEquals(1_000, refunded(p.id()));
    assertEquals(1, outboxOf(p.id(), "refund.created"), "no new event");
    assertEquals(1, outboxOf(p.id(), "refund.process"), "no new job");
  }

  @Test
  void aReplayIsAnsweredEvenWhenTheRequestWouldNowBeRefused() {
    PaymentView p = upstream.succeeded(10_000);
    String key = "k-" + UUID.randomUUID();
    Response first = post(key, p.id(), Api.body(10_000, null));
    assertEquals(201, first.statusCode());
    Api.refund(p.id(), 1).then().statusCode(400); // fully refunded now
    Response again = post(key, p.id(), Api.body(10_000, null));
    assertEquals(201, again.statusCode());
    assertArrayEquals(first.asByteArray(), again.asByteArray());
  }

  @Test
  void aStoredAnswerIsKeptFor24Hours() {
    String key = "k-" + UUID.randomUUID();
    post(key, upstream.succeeded(10_000).id(), Api.body(1_000, null)).then().statusCode(201);
    assertEquals(
        1,
        db.number(
            "SELECT count(*) FROM refunds.idempotency_keys WHERE key = ? AND response_status = 201"
                + " AND expires_at - created_at = interval '24 hours'",
            key));
  }

  @Test
  void sameKeyForADifferentRequestIs422() {
    PaymentView p = upstream.succeeded(10_000);
    String key = "k-" + UUID.randomUUID();
    post(key, p.id(), Api.body(1_000, null)).then().statusCode(201);
    post(key, p.id(), Api.body(2_000, null))
        .then()
        .statusCode(422)
        .body("error.code", equalTo("IDEMPOTENCY_KEY_MISMATCH"));
    post(key, upstream.succeeded(10_000).id(), Api.body(1_000, null)).then().statusCode(422);
    assertEquals(1, refundsOf(p.id()));
  }

  @Test
  void aKeyStillInFlightIs409() {
    PaymentView p = upstream.succeeded(10_000);
    String key = "k-" + UUID.randomUUID();
    String body = Api.body(1_000, null);
    byte[] fingerprint = idempotent.fingerprint("POST", Api.refundsOf(p.id()), Json.parse(body));
    store.claim(Upstream.TEST_MERCHANT, key, fingerprint).await().indefinitely();
    post(key, p.id(), body).then().statusCode(409).body("error.code", equalTo("CONFLICT_ERROR"));
    assertEquals(0, refundsOf(p.id()));
  }

  @Test
  void refusedRequestsAreNotStored() {
    PaymentView p = upstream.succeeded(10_000);
    String key = "k-" + UUID.randomUUID();
    post(key, p.id(), Api.body(20_000, null)).then().statusCode(400); // exceeds
    post(key, p.id(), "{\"amount\":\"x\"}").then().statusCode(400); // invalid
    post(key, p.id(), Api.body(20_000, null)).then().statusCode(400); // evaluated again
    post(key, p.id(), Api.body(10_000, null)).then().statusCode(201);
    assertEquals(
        0,
        db.number(
            "SELECT count(*) FROM refunds.idempotency_keys WHERE key = ? AND response_status = 400",
            key));
  }

  @Test
  void badKeysAreRefused() {
    PaymentView p = upstream.succeeded(10_000);
    post("x".repeat(256), p.id(), Api.body(100, null))
        .then()
        .statusCode(400)
        .body("error.field", equalTo("Idempotency-Key"));
    assertEquals(0, refundsOf(p.id()));
  }

  @Test
  void twentyConcurrentDuplicatesCreateExactlyOneRefund() throws Exception {
    PaymentView p = upstream.succeeded(10_000);
    String key = "k-" + UUID.randomUUID();
    ExecutorService threads = Executors.newFixedThreadPool(20);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      futures.add(
          threads.submit(
              () -> {
                start.await();
                return post(key, p.id(), Api.body(1_000, null));
              }));
    }
    start.countDown();
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (Future<Response> f : futures) {
      Response r = f.get();
      assertTrue(
          r.statusCode() == 201 || r.statusCode() == 409, r.statusCode() + " " + r.asString());
      if (r.statusCode() == 201) {
        ids.add(r.path("id"));
        created += r.header("Idempotent-Replayed") == null ? 1 : 0;
      }
    }
    threads.shutdown();
    assertEquals(1, created);
    assertEquals(1, ids.size());
    assertEquals(1, refundsOf(p.id()));
    assertEquals(1_000, refunded(p.id()));
  }

  private static Response post(String key, String paymentId, String body) {
    return Api.merchant().header("Idempotency-Key", key).body(body).post(Api.refundsOf(paymentId));
  }

  private long refundsOf(String paymentId) {
    return db.number("SELECT count(*) FROM refunds.refunds WHERE payment_id = ?", paymentId);
  }

  /** Outbox entries of one type about the payment's refunds. */
  private long outboxOf(String paymentId, String type) {
    return db.number(
        "SELECT count(*) FROM refunds.outbox o, unnest(o.payloads) AS p(payload)"
            + " WHERE payload LIKE ? AND payload LIKE ?",
        "%\"type\":\"" + type + "\"%",
        "%\"payment_id\":\"" + paymentId + "\"%");
  }

  private long refunded(String paymentId) {
    return db.number("SELECT refunded FROM refunds.payments WHERE id = ?", paymentId);
  }
}
