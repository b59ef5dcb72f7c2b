package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.json.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IdempotencyTest {
  private static final UUID TEST_MERCHANT = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");

  @Inject Pool pool;
  @Inject IdempotencyStore store;
  @Inject IdempotentRun idempotent;

  @Test
  void replaysTheStoredResponseByteForByte() {
    String key = "k-" + UUID.randomUUID();
    String body = Api.upi(Api.order(50_000), "user@paytm");
    Response first =
        Api.merchant().header("Idempotency-Key", key).body(body).post("/api/v1/payments");
    assertEquals(201, first.statusCode());
    assertNull(first.header("Idempotent-Replayed"));
    Response again =
        Api.merchant().header("Idempotency-Key", key).body(body).post("/api/v1/payments");
    assertEquals(201, again.statusCode());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertArrayEquals(first.asByteArray(), again.asByteArray());
    assertEquals(1, paymentsOf(first.path("order_id")));
  }

  @Test
  void replayIsAnsweredEvenWhenTheRequestWouldNowBeRefused() {
    String key = "k-" + UUID.randomUUID();
    String body = Api.upi(Api.order(50_000), "success@paytm");
    Response first =
        Api.merchant().header("Idempotency-Key", key).body(body).post("/api/v1/payments");
    assertEquals(201, first.statusCode(), first.asString());
    assertNull(first.header("Idempotent-Replayed"));
    Api.awaitStatus(first.path("id"), "success"); // the order is now paid
    Response again =
        Api.merchant().header("Idempotency-Key", key).body(body).post("/api/v1/payments");
    assertEquals(201, again.statusCode());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertArrayEquals(first.asByteArray(), again.asByteArray());
  }

  /** A key is the merchant's own: another merchant's request under the same key is new. */
  @Test
  void theSameKeyOfAnotherMerchantIsAnotherKey() {
    String key = "k-" + UUID.randomUUID();
    String[] other = Api.newMerchant();
    Response mine =
        Api.merchant()
            .header("Idempotency-Key", key)
            .body("{\"amount\":50000}")
            .post("/api/v1/orders");
    assertEquals(201, mine.statusCode(), mine.asString());
    assertNull(mine.header("Idempotent-Replayed"));
    Response theirs =
        Api.as(other[1], other[2])
            .header("Idempotency-Key", key)
            .body("{\"amount\":50000}")
            .post("/api/v1/orders");
    assertEquals(201, theirs.statusCode(), theirs.asString());
    assertNull(theirs.header("Idempotent-Replayed"));
    String myOrder = mine.path("id");
    String theirOrder = theirs.path("id");
    assertNotEquals(myOrder, theirOrder);
    Api.merchant().get("/api/v1/orders/" + myOrder).then().statusCode(200);
    Api.merchant().get("/api/v1/orders/" + theirOrder).then().statusCode(404);
    Api.as(other[1], other[2]).get("/api/v1/orders/" + theirOrder).then().statusCode(200);

    // And a payment under one more shared key, each for its own merchant's order.
    String paymentKey = "k-" + UUID.randomUUID();
    Response myPayment =
        Api.merchant()
            .header("Idempotency-Key", paymentKey)
            .body(Api.upi(myOrder, "user@paytm"))
            .post("/api/v1/payments");
    assertEquals(201, myPayment.statusCode(), myPayment.asString());
    assertNull(myPayment.header("Idempotent-Replayed"));
    Response theirPayment =
        Api.as(other[1], other[2])
            .header("Idempotency-Key", paymentKey)
            .body(Api.upi(theirOrder, "user@paytm"))
            .post("/api/v1/payments");
    assertEquals(201, theirPayment.statusCode(), theirPayment.asString());
    assertNull(theirPayment.header("Idempotent-Replayed"));
    assertNotEquals(myPayment.<String>path("id"), theirPayment.<String>path("id"));
    assertEquals(theirOrder, theirPayment.path("order_id"));
    assertEquals(1, paymentsOf(myOrder));
    assertEquals(1, paymentsOf(theirOrder));
    Api.merchant()
        .get("/api/v1/payments/" + myPayment.path("id"))
        .then()
        .statusCode(200)
        .body("order_id", equalTo(myOrder))
        .body("merchant_id", equalTo(TEST_MERCHANT.toString()));
    Api.merchant().get("/api/v1/payments/" + theirPayment.path("id")).then().statusCode(404);
    Api.as(other[1], other[2])
        .get("/api/v1/payments/" + theirPayment.path("id"))
        .then()
        .statusCode(200)
        .body("order_id", equalTo(theirOrder))
        .body("merchant_id", equalTo(other[0]));
  }

  /**
   * The checkout page's payments too: a stored answer is replayed although the card, checked again,
   * has expired since (a month ends between the two).
   */
  @Test
  void aPublicReplayIsAnsweredBeforeTheCardIsCheckedAgain() {
    String key = "k-" + UUID.randomUUID();
    String body = Api.card(Api.order(50_000), "4111111111111111", "01", "20", "123");
    byte[] stored = "{\"id\":\"pay_storedEarlier1234\",\"status\":\"pending\"}".getBytes(UTF_8);
    storeAnswer(IdempotencyKeys.shopperScoped(key), "/api/v1/payments/public", body, stored);
    Response again =
        given()
            .contentType("application/json")
            .header("Idempotency-Key", key)
            .body(body)
            .post("/api/v1/payments/public");
    assertEquals(201, again.statusCode(), again.asString());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertArrayEquals(stored, again.asByteArray());
    // Without the key, the same request is refused for its card.
    given()
        .contentType("application/json")
        .body(body)
        .post("/api/v1/payments/public")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("EXPIRED_CARD"));
  }

  /**
   * A merchant's payment too: a stored answer is replayed although the card, checked again, has
   * expired since (a month ends between the two), and so is refused without the key.
   */
  @Test
  void aMerchantReplayIsAnsweredBeforeTheCardIsCheckedAgain() {
    String key = "k-" + UUID.randomUUID();
    String body = Api.card(Api.order(50_000), "4111111111111111", "01", "20", "123");
    byte[] stored = "{\"id\":\"pay_storedEarlier5678\",\"status\":\"pending\"}".getBytes(UTF_8);
    storeAnswer(key, "/api/v1/payments", body, stored);
    Response again =
        Api.merchant().header("Idempotency-Key", key).body(body).post("/api/v1/payments");
    assertEquals(201, again.statusCode(), again.asString());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertArrayEquals(stored, again.asByteArray());
    Api.merchant()
        .body(body)
        .post("/api/v1/payments")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("EXPIRED_CARD"));
  }

  @Test
  void aShoppersKeyIsNotTheMerchants() {
    String key = "k-" + UUID.randomUUID();
    String order = Api.order(50_000);
    Supplier<Response> shopperPays =
        () ->
            given()
                .contentType("application/json")
                .header("Idempotency-Key", key)
                .body(Api.upi(order, "failure@bank"))
                .post("/api/v1/payments/public");
    Response shopper = shopperPays.get();
    assertEquals(201, shopper.statusCode(), shopper.asString());
    // The merchant's own request with the same key is new to it: neither 422 nor the shopper's
    // answer.
    Response merchant =
        Api.merchant()
            .header("Idempotency-Key", key)
            .body("{\"amount\":12345}")
            .post("/api/v1/orders");
    assertEquals(201, merchant.statusCode(), merchant.asString());
    assertNull(merchant.header("Idempotent-Replayed"));
    assertEquals(12_345, merchant.jsonPath().getInt("amount"));
    // And the shopper's retry is still answered from its own stored response.
    Response again = shopperPays.get();
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertArrayEquals(shopper.asByteArray(), again.asByteArray());
  }

  @Test
  void sameKeyDifferentRequestIs422AndChangesNothing() {
    String key = "k-" + UUID.randomUUID();
    String order = Api.order(50_000);
    Api.merchant()
        .header("Idempotency-Key", key)
        .body(Api.upi(order, "a@bank"))
        .post("/api/v1/payments")
        .then()
        .statusCode(201);
    Api.merchant()
        .header("Idempotency-Key", key)
        .body(Api.upi(order, "b@bank"))
        .post("/api/v1/payments")
        .then()
        .statusCode(422)
        .body("error.code", equalTo("IDEMPOTENCY_KEY_MISMATCH"));
    assertEquals(1, paymentsOf(order));
  }

  @Test
  void keyOrderAndSpacingDoNotMakeADifferentRequest() {
    String key = "k-" + UUID.randomUUID();
    String order = Api.order(50_000);
    Api.merchant()
        .header("Idempotency-Key", key)
        .body("{\"order_id\":\"" + order + "\",\"method\":\"upi\",\"vpa\":\"a@b\"}")
        .post("/api/v1/payments")
        .then()
        .statusCode(201);
    Api.merchant()
        .header("Idempotency-Key", key)
        .body("{ \"vpa\": \"a@b\", \"method\": \"upi\", \"order_id\": \"" + order + "\" }")
        .post("/api/v1/payments")
        .then()
        .statusCode(201)
        .header("Idempotent-Replayed", "true");
  }

  @Test
  void aKeyStillInFlightIs409() {
    String key = "k-" + UUID.randomUUID();
    String body = Api.upi(Api.order(50_000), "a@bank");
    byte[] fingerprint = idempotent.fingerprint("POST", "/api/v1/payments", Json.parse(body));
    // Another request holds the key right now.
    store.claim(TEST_MERCHANT, key, fingerprint).await().indefinitely();
    Api.merchant()
        .header("Idempotency-Key", key)
        .body(body)
        .post("/api/v1/payments")
        .then()
        .statusCode(409)
        .body("error.code", equalTo("CONFLICT_ERROR"));
  }

  @Test
  void aRefusedRequestIsNotStored() {
    String key = "k-" + UUID.randomUUID();
    String order = Api.order(50_000);
    Api.merchant()
        .header("Idempotency-Key", key)
        .body(Api.upi(order, "bad vpa"))
        .post("/api/v1/payments")
        .then()
        .statusCode(400);
    Api.merchant()
        .header("Idempotency-Key", key)
        .body(Api.upi(order, "good@vpa"))
        .post("/api/v1/payments")
        .then()
        .statusCode(201);
    assertEquals(
        0L,
        count(
            "SELECT count(*) FROM payments.idempotency_keys WHERE key = $1 AND response_status = 400",
            key));
  }

  /** The contract's 24 h, on each way a key is stored: a payment, a shopper's payment, an order. */
  @Test
  void aStoredAnswerIsKeptFor24Hours() {
    String payment = "k-" + UUID.randomUUID();
    String shopper = "k-" + UUID.randomUUID();
    String order = "k-" + UUID.randomUUID();
    Api.merchant()
        .header("Idempotency-Key", payment)
        .body(Api.upi(Api.order(50_000), "user@paytm"))
        .post("/api/v1/payments")
        .then()
        .statusCode(201);
    given()
        .contentType("application/json")
        .header("Idempotency-Key", shopper)
        .body(Api.upi(Api.order(50_000), "user@paytm"))
        .post("/api/v1/payments/public")
        .then()
        .statusCode(201);
    Api.merchant()
        .header("Idempotency-Key", order)
        .body("{\"amount\":50000}")
        .post("/api/v1/orders")
        .then()
        .statusCode(201);
    for (String key : List.of(payment, IdempotencyKeys.shopperScoped(shopper), order)) {
      assertEquals(
          1L,
          count(
              "SELECT count(*) FROM payments.idempotency_keys WHERE key = $1"
                  + " AND response_status = 201 AND expires_at - created_at = interval '24 hours'",
              key),
          key);
    }
  }

  @Test
  void badKeysAreRefused() {
    Api.merchant()
        .header("Idempotency-Key", "x".repeat(256))
        .body(Api.upi(Api.order(50_000), "a@b"))
        .post("/api/v1/payments")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("Idempotency-Key"));
    // Sent but empty is not absent: 1 to 255 characters.
    String order = Api.order(50_000);
    Api.merchant()
        .header("Idempotency-Key", "")
        .body(Api.upi(order, "a@b"))
        .post("/api/v1/payments")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("Idempotency-Key"));
    Api.merchant()
        .header("Idempotency-Key", "")
        .body("{\"amount\":50000}")
        .post("/api/v1/orders")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("Idempotency-Key"));
    assertEquals(0, paymentsOf(order));
    // Refused where any bad key is: after the route and the credentials.
    given()
        .header("Idempotency-Key", "")
        .contentType("application/json")
        .body("{\"amount\":50000}")
        .post("/api/v1/orders")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("AUTHENTICATION_ERROR"));
    Api.merchant()
        .header("Idempotency-Key", "")
        .body("{}")
        .post("/api/v1/no-such-thing")
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
  }

  @Test
  void ordersAndCapturesAreIdempotentToo() {
    String key = "k-" + UUID.randomUUID();
    Response a =
        Api.merchant()
            .header("Idempotency-Key", key)
            .body("{\"amount\":1234}")
            .post("/api/v1/orders");
    assertEquals(201, a.statusCode(), a.asString());
    assertNull(a.header("Idempotent-Replayed"));
    Response b =
        Api.merchant()
            .header("Idempotency-Key", key)
            .body("{\"amount\":1234}")
            .post("/api/v1/orders");
    assertEquals(201, b.statusCode());
    assertEquals("true", b.header("Idempotent-Replayed"));
    assertArrayEquals(a.asByteArray(), b.asByteArray());
    String id = Api.payment("success@bank");
    Api.awaitStatus(id, "success");
    String captureKey = "c-" + UUID.randomUUID();
    Response c1 =
        Api.merchant()
            .header("Idempotency-Key", captureKey)
            .body("{\"amount\":50000}")
            .post("/api/v1/payments/" + id + "/capture");
    assertEquals(200, c1.statusCode(), c1.asString());
    assertNull(c1.header("Idempotent-Replayed"));
    Response c2 =
        Api.merchant()
            .header("Idempotency-Key", captureKey)
            .body("{\"amount\":50000}")
            .post("/api/v1/payments/" + id + "/capture");
    assertEquals(200, c2.statusCode());
    assertEquals("true", c2.header("Idempotent-Replayed"));
    assertArrayEquals(c1.asByteArray(), c2.asByteArray());
  }

  @Test
  void twentyConcurrentIdenticalRequestsCreateExactlyOnePayment() throws Exception {
    String key = "k-" + UUID.randomUUID();
    String order = Api.order(50_000);
    String body = Api.upi(order, "user@paytm");
    ExecutorService pool20 = Executors.newFixedThreadPool(20);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Callable<Response> call =
          () -> {
            start.await();
            return Api.merchant()
                .header("Idempotency-Key", key)
                .body(body)
                .post("/api/v1/payments");
          };
      futures.add(pool20.submit(call));
    }
    start.countDown();
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (Future<Response> f : futures) {
      Response r = f.get();
      assertTrue(
          r.statusCode() == 201 || r.statusCode() == 409,
          "unexpected " + r.statusCode() + " " + r.asString());
      if (r.statusCode() == 201) {
        ids.add(r.path("id"));
        if (r.header("Idempotent-Replayed") == null) {
          created++;
        }
      }
    }
    pool20.shutdown();
    assertEquals(1, created);
    assertEquals(1, ids.size());
    assertEquals(1, paymentsOf(order));
  }

  private long paymentsOf(String orderId) {
    return count("SELECT count(*) FROM payments.payments WHERE order_id = $1", orderId);
  }

  private long count(String sql, String arg) {
    return pool.preparedQuery(sql)
        .execute(Tuple.of(arg))
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getLong(0);
  }

  /** A 201 stored under {@code key} for a POST of {@code body} to {@code path}, as if answered. */
  private void storeAnswer(String key, String path, String body, byte[] stored) {
    pool.preparedQuery(
            "INSERT INTO payments.idempotency_keys (merchant_id, key, fingerprint,"
                + " response_status, response_body, created_at, expires_at)"
                + " VALUES ($1, $2, $3, 201, $4, now(), now() + interval '1 day')")
        .execute(
            Tuple.of(
                TEST_MERCHANT,
                key,
                Buffer.buffer(idempotent.fingerprint("POST", path, Json.parse(body))),
                Buffer.buffer(stored)))
        .await()
        .indefinitely();
  }
}
