package io.paystream.payments.it;

import static io.restassured.RestAssured.given;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.StatementBreaker;
import io.paystream.shared.testing.StatementBreaker.Fault;
import io.paystream.shared.testing.TestDatabases;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection to PostgreSQL breaks around an order's creation statement. When PostgreSQL
 * committed it and only its answer was lost, the client gets the order (201), never a 503 that
 * would invite it to create a second order for the same purchase; when the statement never reached
 * PostgreSQL, 503 and nothing made; when the outcome cannot be learnt, a 500 naming the order.
 */
class LostAnswerIT {
  private static final String DB = "paystream_payments_lost_answer_it";
  private static final int REDIS_DB = 11;
  private static final String ADMIN_TOKEN = "lost-answer-admin";

  private StatementBreaker breaker;
  private ServiceProcess app;

  @BeforeEach
  void start() throws Exception {
    TestDatabases.recreate(DB, "payments");
    TestDatabases.flushRedis(REDIS_DB);
    breaker = new StatementBreaker();
    app =
        Instances.start(
            "lost-answer",
            breaker.databaseUrl(DB),
            TestDatabases.redisUrl(REDIS_DB),
            Map.of("ADMIN_TOKEN", ADMIN_TOKEN));
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
    breaker.close();
  }

  /** POSTs an order whose statement the breaker breaks as {@code fault} says. */
  private Response createBroken(String key, Fault fault) {
    // The merchant's credentials read now: the request below reaches its statement.
    Instances.merchant(app).get("/api/v1/orders").then().statusCode(200);
    String receipt = "broken-" + UUID.randomUUID();
    breaker.arm(receipt, fault);
    return create(receipt, key);
  }

  private Response create(String receipt, String key) {
    var spec = Instances.merchant(app).body("{\"amount\":5000,\"receipt\":\"" + receipt + "\"}");
    if (key != null) {
      spec = spec.header("Idempotency-Key", key);
    }
    return spec.post("/api/v1/orders");
  }

  private long orders() throws Exception {
    return Long.parseLong(
        TestDatabases.queryOne(
            DB, "SELECT count(*) FROM payments.orders WHERE receipt LIKE ?", "broken-%"));
  }

  @Test
  void aCommittedOrderWhoseAnswerIsLostIsAnswered201AndMadeOnce() throws Exception {
    String key = "lost-order-" + UUID.randomUUID();
    Response first = createBroken(key, Fault.ANSWER_LOST);
    assertEquals(1, breaker.broken(), "the statement's answer was lost");
    assertEquals(201, first.statusCode(), first.asString());
    assertNull(first.header("Idempotent-Replayed"));
    assertEquals(breaker.lastMarker(), first.path("receipt"));
    assertEquals(1, orders());
    Response read = Instances.merchant(app).get("/api/v1/orders/" + first.path("id"));
    assertEquals(first.asString(), read.asString(), "the order as stored");
    Response replay = create(breaker.lastMarker(), key);
    assertEquals("true", replay.header("Idempotent-Replayed"));
    assertEquals(first.asString(), replay.asString(), "the same bytes");
    assertEquals(1, orders());
  }

  @Test
  void aStatementThatNeverReachedTheDatabaseIs503AndNothingMade() throws Exception {
    Response first = createBroken(null, Fault.REQUEST_LOST);
    assertEquals(1, breaker.broken());
    assertEquals(503, first.statusCode(), first.asString());
    assertEquals("SERVICE_UNAVAILABLE", first.path("error.code"));
    assertEquals(0, orders());
  }

  @Test
  void anOutcomeThatCannotBeLearntIs500NamingTheOrderToLookUp() throws Exception {
    long started = System.nanoTime();
    Response first = createBroken(null, Fault.DATABASE_GONE);
    long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertEquals(1, breaker.broken());
    assertEquals(500, first.statusCode(), first.asString());
    assertEquals("SERVER_ERROR", first.path("error.code"));
    assertNull(first.header("Retry-After"));
    assertTrue(tookMillis < 10_000, "answered after " + tookMillis + " ms");
    String description = first.path("error.description");
    String id = description.replaceAll("(?s).*order (order_\\S+) may have been.*", "$1");
    assertTrue(description.contains("GET /api/v1/orders/" + id + " "), description);
    // The look-up the description names tells the truth once the database is back: the statement
    // reached PostgreSQL, which committed it.
    Thread.sleep(StatementBreaker.GONE_MILLIS);
    Response lookup = Instances.merchant(app).get("/api/v1/orders/" + id);
    assertEquals(200, lookup.statusCode(), lookup.asString());
    assertEquals(breaker.lastMarker(), lookup.path("receipt"));
    assertEquals(1, orders());
  }

  /** A successful payment, then its capture with the statement broken as {@code fault} says. */
  private Response captureBroken(String paymentId, Fault fault) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "success".equals(Instances.status(app, paymentId)));
    // The statement that captures carries the request's id in its event: the mark to break it by.
    String requestId = "capture-" + UUID.randomUUID();
    breaker.arm(requestId, fault);
    return Instances.merchant(app)
        .header("X-Request-Id", requestId)
        .body("{\"amount\":10000}")
        .post("/api/v1/payments/" + paymentId + "/capture");
  }

  private String capturedInDatabase(String paymentId) throws Exception {
    return TestDatabases.queryOne(
        DB, "SELECT captured FROM payments.payments WHERE id = ?", paymentId);
  }

  @Test
  void aCommittedCaptureWhoseAnswerIsLostIsAnswered200() throws Exception {
    String paymentId = Instances.pay(app, "success@bank");
    Response first = captureBroken(paymentId, Fault.ANSWER_LOST);
    assertEquals(1, breaker.broken(), "the statement's answer was lost");
    assertEquals(200, first.statusCode(), first.asString());
    assertEquals(Boolean.TRUE, first.path("captured"));
    assertEquals(paymentId, first.path("id"));
    assertEquals("t", capturedInDatabase(paymentId));
    // Captured once: its event was written once, with the capture.
    assertEquals(
        "1",
        TestDatabases.queryOne(
            DB,
            "SELECT count(*) FROM payments.outbox WHERE array_to_string(payloads, ' ') LIKE"
                + " '%' || ? || '%'",
            breaker.lastMarker()));
  }

  @Test
  void aCaptureThatNeverReachedTheDatabaseIs503AndTheCaptureCanBeMade() throws Exception {
    String paymentId = Instances.pay(app, "success@bank");
    Response first = captureBroken(paymentId, Fault.REQUEST_LOST);
    assertEquals(1, breaker.broken());
    assertEquals(503, first.statusCode(), first.asString());
    assertEquals("f", capturedInDatabase(paymentId));
    Instances.merchant(app)
        .body("{\"amount\":10000}")
        .post("/api/v1/payments/" + paymentId + "/capture")
        .then()
        .statusCode(200);
  }

  @Test
  void aCaptureWhoseOutcomeCannotBeLearntIs500SayingHowToTell() throws Exception {
    String paymentId = Instances.pay(app, "success@bank");
    Response first = captureBroken(paymentId, Fault.DATABASE_GONE);
    assertEquals(1, breaker.broken());
    assertEquals(500, first.statusCode(), first.asString());
    assertEquals("SERVER_ERROR", first.path("error.code"));
    String description = first.path("error.description");
    assertTrue(
        description.contains(
            "payment "
                + paymentId
                + " may have been captured. Look it up with GET /api/v1/payments/"
                + paymentId),
        description);
    Thread.sleep(StatementBreaker.GONE_MILLIS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> Instances.merchant(app).get("/api/v1/payments/" + paymentId).statusCode() == 200);
    assertEquals(
        Boolean.TRUE,
        Instances.merchant(app).get("/api/v1/payments/" + paymentId).path("captured"),
        "the statement reached PostgreSQL, which committed it");
  }

  /** The order of the last {@link #payBroken}. */
  private String order;

  /** A new order's payment by UPI whose statement the breaker breaks as {@code fault} says. */
  private Response payBroken(String key, Fault fault) {
    order = Instances.order(app);
    // The VPA is sent in the accepting statement only: the mark to break it by.
    String vpa = "lost" + UUID.randomUUID().toString().replace("-", "") + "@bank";
    breaker.arm(vpa, fault);
    return pay(order, vpa, key);
  }

  private Response pay(String order, String vpa, String key) {
    var spec =
        Instances.merchant(app)
            .body("{\"order_id\":\"" + order + "\",\"method\":\"upi\",\"vpa\":\"" + vpa + "\"}");
    if (key != null) {
      spec = spec.header("Idempotency-Key", key);
    }
    return spec.post("/api/v1/payments");
  }

  private long paymentsWith(String vpa) throws Exception {
    return Long.parseLong(
        TestDatabases.queryOne(DB, "SELECT count(*) FROM payments.payments WHERE vpa = ?", vpa));
  }

  @Test
  void anAcceptedPaymentWhoseAnswerIsLostIsAnswered201AndProcessedOnce() throws Exception {
    String key = "lost-payment-" + UUID.randomUUID();
    Response first = payBroken(key, Fault.ANSWER_LOST);
    assertEquals(1, breaker.broken(), "the statement's answer was lost");
    assertEquals(201, first.statusCode(), first.asString());
    assertNull(first.header("Idempotent-Replayed"));
    assertEquals("pending", first.path("status"));
    assertEquals(10000, first.jsonPath().getLong("amount"), "the order's amount");
    assertEquals("INR", first.path("currency"));
    assertEquals(breaker.lastMarker(), first.path("vpa"));
    assertEquals(1, paymentsWith(breaker.lastMarker()));
    assertEquals(order, first.path("order_id"));
    Response replay = pay(order, breaker.lastMarker(), key);
    assertEquals("true", replay.header("Idempotent-Replayed"));
    assertEquals(first.asString(), replay.asString(), "the same bytes");
    // Its job was stored with it: it is processed, once.
    String id = first.path("id");
    await().atMost(Duration.ofSeconds(30)).until(() -> "success".equals(Instances.status(app, id)));
    assertEquals(1, paymentsWith(breaker.lastMarker()));
  }

  @Test
  void aPaymentThatNeverReachedTheDatabaseIs503AndCanBeMadeAgain() throws Exception {
    Response first = payBroken(null, Fault.REQUEST_LOST);
    assertEquals(1, breaker.broken());
    assertEquals(503, first.statusCode(), first.asString());
    assertEquals(0, paymentsWith(breaker.lastMarker()));
    Response again = pay(order, breaker.lastMarker(), null);
    assertEquals(201, again.statusCode(), again.asString());
    assertEquals(1, paymentsWith(breaker.lastMarker()));
  }

  /**
   * Two payments go in one accepting statement, which waits for the lock of the first one's order
   * (held by another transaction) when its answer is lost: it has not reached the second one's
   * order yet, and makes both once the lock is let go. Neither is answered 503, "nothing was done":
   * the looks wait for every order of the statement, and while the lock is held they cannot tell,
   * so each is answered the 500 that names the payment to look up.
   */
  @Test
  void noPaymentOfABatchStillWaitingForALockIsAnswered503() throws Exception {
    String blocker = Instances.order(app);
    // The statement reaches the first order before the second whatever its plan: first in id
    // order (the batch's) and in the table (a scan's).
    String first = Instances.order(app);
    String next = Instances.order(app);
    while (next.compareTo(first) < 0) {
      next = Instances.order(app);
    }
    String second = next;
    String tag = UUID.randomUUID().toString().replace("-", "");
    String firstVpa = "first" + tag + "@bank";
    String secondVpa = "second" + tag + "@bank";
    ExecutorService clients = Executors.newFixedThreadPool(3);
    Response firstAnswer;
    Response secondAnswer;
    try (Connection holdsBlocker = lockOrder(blocker);
        Connection holdsFirst = lockOrder(first)) {
      Future<Response> blocked =
          clients.submit(() -> pay(blocker, "blocker" + tag + "@bank", null));
      awaitStatementsWaitingForALock(1);
      // Both arrive while the blocker's statement runs: the next statement takes them together.
      breaker.arm(secondVpa, Fault.ANSWER_LOST);
      Future<Response> firstPaid = clients.submit(() -> pay(first, firstVpa, null));
      Future<Response> secondPaid = clients.submit(() -> pay(second, secondVpa, null));
      Thread.sleep(1_000);
      holdsBlocker.commit();
      assertEquals(201, blocked.get(30, SECONDS).statusCode());
      secondAnswer = secondPaid.get(30, SECONDS);
      firstAnswer = firstPaid.get(30, SECONDS);
      assertEquals(1, breaker.broken(), "the statement of both lost its answer");
      // The lock let go: the statement, still waiting in PostgreSQL, makes both payments.
      holdsFirst.rollback();
    } finally {
      clients.shutdownNow();
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> paymentsWith(firstVpa) == 1 && paymentsWith(secondVpa) == 1);
    for (Response answer : List.of(firstAnswer, secondAnswer)) {
      assertEquals(500, answer.statusCode(), answer.asString());
      assertTrue(
          answer.<String>path("error.description").contains("may have been created"),
          answer.asString());
    }
  }

  /** A connection whose open transaction holds the order's row lock until it is committed. */
  private static Connection lockOrder(String orderId) throws Exception {
    Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://" + TestDatabases.postgres() + "/" + DB, TestDatabases.user(), "");
    c.setAutoCommit(false);
    try (var s = c.prepareStatement("SELECT 1 FROM payments.orders WHERE id = ? FOR UPDATE")) {
      s.setString(1, orderId);
      s.executeQuery();
    }
    return c;
  }

  private static void awaitStatementsWaitingForALock(int n) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Long.parseLong(
                        TestDatabases.queryOne(
                            DB,
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = ?"
                                + " AND wait_event_type = 'Lock'",
                            DB))
                    >= n);
  }

  @Test
  void aRotationWhoseAnswerIsLostIsAnswered200WithTheSecretInForce() throws Exception {
    // The rotating statement carries the request's id in its event: the mark to break it by.
    String requestId = "rotate-" + UUID.randomUUID();
    breaker.arm(requestId, Fault.ANSWER_LOST);
    Response first =
        Instances.merchant(app)
            .header("X-Request-Id", requestId)
            .post("/api/v1/merchants/me/rotate-secret");
    assertEquals(1, breaker.broken(), "the statement's answer was lost");
    assertEquals(200, first.statusCode(), first.asString());
    String secret = first.path("api_secret");
    // The secret answered is the one in force: without it the merchant would be locked out.
    given()
        .baseUri(app.baseUrl())
        .header("X-Api-Key", "key_test_abc123")
        .header("X-Api-Secret", secret)
        .get("/api/v1/orders")
        .then()
        .statusCode(200);
    Instances.merchant(app).get("/api/v1/orders").then().statusCode(401);
  }

  @Test
  void anOnboardingWhoseAnswerIsLostIsAnswered201WithTheCredentials() throws Exception {
    // The merchant's email is sent in the inserting statement only: the mark to break it by.
    String email = "lost-" + UUID.randomUUID() + "@example.com";
    breaker.arm(email, Fault.ANSWER_LOST);
    Response first =
        given()
            .baseUri(app.baseUrl())
            .header("X-Admin-Token", ADMIN_TOKEN)
            .contentType("application/json")
            .body("{\"name\":\"Lost\",\"email\":\"" + email + "\",\"password\":\"a-password\"}")
            .post("/api/v1/merchants");
    assertEquals(1, breaker.broken(), "the statement's answer was lost");
    assertEquals(201, first.statusCode(), first.asString());
    assertEquals(email, first.path("email"));
    // The credentials answered are the merchant's: shown in full only here.
    given()
        .baseUri(app.baseUrl())
        .header("X-Api-Key", (String) first.path("api_key"))
        .header("X-Api-Secret", (String) first.path("api_secret"))
        .get("/api/v1/orders")
        .then()
        .statusCode(200);
  }
}
