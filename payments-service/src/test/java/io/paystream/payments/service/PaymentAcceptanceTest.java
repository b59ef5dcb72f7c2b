package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.Api;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import io.paystream.shared.web.Caller;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Payments requested together are accepted in shared statements, and each request still gets
 * exactly its own answer: one payment per order, the idempotent response stored for its key, its
 * events written once, and a refusal that changes nothing.
 */
@QuarkusTest
class PaymentAcceptanceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final UUID MERCHANT = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");
  private static final String PATH = "/api/v1/payments";
  private static final int ORDERS = 120;
  private static final int SECOND_TRIES = 15;
  private static final int PAID = 5;

  @Inject PaymentService service;
  @Inject Pool pool;

  /** One request's answer: a response, or the API error it failed with. */
  private record Answer(
      UUID merchant, String orderId, String key, ApiResponse response, ApiException error) {}

  @Test
  void aCrowdOfRequestsGetsOnePaymentPerOrderWithItsOwnAnswerInFewStatements() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> orders = new ArrayList<>();
    Map<String, String> terms = new HashMap<>(); // what each order's payment must show
    List<String> inUsd = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      String order = Api.order(10_000 + i);
      orders.add(order);
      String currency = i % 3 == 0 ? "USD" : "INR";
      if (currency.equals("USD")) {
        inUsd.add(order);
      }
      terms.put(order, (10_000 + i) + " " + currency);
    }
    sql(
        "UPDATE payments.orders SET currency = 'USD' WHERE id = ANY($1::text[])",
        Tuple.of(inUsd.toArray(String[]::new)));
    List<String> paid = new ArrayList<>();
    for (int i = 0; i < PAID; i++) {
      paid.add(Api.order(500));
    }
    sql(
        "UPDATE payments.orders SET status = 'paid' WHERE id = ANY($1::text[])",
        Tuple.of(paid.toArray(String[]::new)));

    List<Uni<Answer>> calls = new ArrayList<>();
    // Another merchant tries some orders just before their owner (unkeyed requests, so neither
    // goes through a claim first): refused as unknown, and the owner's payment is made all the
    // same, by the next statement.
    for (int i = 1; i < 40; i += 6) {
      calls.add(call(UUID.randomUUID(), orders.get(i), null, "intruder@paytm"));
    }
    for (int i = 0; i < ORDERS; i++) {
      calls.add(call(orders.get(i), i % 2 == 0 ? run + "-" + i : null, "user" + i + "@paytm"));
    }
    for (int i = 0; i < SECOND_TRIES; i++) {
      calls.add(call(orders.get(i * 7), null, "second" + i + "@paytm"));
    }
    for (int i = 0; i < PAID; i++) {
      calls.add(call(paid.get(i), run + "-paid-" + i, "late@paytm"));
      calls.add(call(paid.get(i), null, "later@paytm"));
    }
    calls.add(call("order_0000000000unknown", null, "nobody@paytm"));
    calls.add(call("order_0000000000unknown", null, "nobody-again@paytm"));
    String othersOrder = Api.order(700);
    calls.add(call(UUID.randomUUID(), othersOrder, run + "-other", "other@paytm"));
    List<Answer> answers = Uni.join().all(calls).andFailFast().await().atMost(WAIT);

    Map<String, Answer> created = new HashMap<>();
    int busy = 0;
    for (Answer a : answers) {
      if (a.response() != null) {
        assertEquals(201, a.response().status());
        assertFalse(a.response().replayed());
        assertEquals(MERCHANT, a.merchant(), "a payment accepted on another merchant's order");
        assertNull(created.put(a.orderId(), a), "two payments accepted for " + a.orderId());
      } else if (paid.contains(a.orderId())) {
        assertEquals(ErrorCode.BAD_REQUEST_ERROR, a.error().code());
        assertEquals("Order is already paid", a.error().description());
      } else if (a.orderId().endsWith("unknown") || !a.merchant().equals(MERCHANT)) {
        assertEquals(ErrorCode.NOT_FOUND_ERROR, a.error().code());
      } else {
        // A second try finds the first in progress, or (test mode finishes payments after 300 ms)
        // already paid.
        assertEquals(ErrorCode.BAD_REQUEST_ERROR, a.error().code(), a.error().description());
        assertTrue(
            List.of("Order already has a payment in progress or is paid", "Order is already paid")
                .contains(a.error().description()),
            a.error().description());
        busy++;
      }
    }
    assertEquals(orders.size(), created.size(), "every order got its payment");
    assertEquals(SECOND_TRIES, busy, "each second try was refused");

    // The stored payments are those answered, field for field as the response shows them.
    RowSet<Row> rows =
        sql(
            "SELECT id, order_id, status, amount, vpa, created_at,"
                + " (SELECT status FROM payments.orders o WHERE o.id = p.order_id) AS order_status"
                + " FROM payments.payments p WHERE order_id = ANY($1::text[])",
            Tuple.of(orders.toArray(String[]::new)));
    assertEquals(ORDERS, rows.size());
    for (Row r : rows) {
      ObjectNode body =
          (ObjectNode) Json.parse(created.get(r.getString("order_id")).response().body());
      assertEquals(body.get("id").asText(), r.getString("id"));
      assertEquals(
          terms.get(r.getString("order_id")),
          body.get("amount").asLong() + " " + body.get("currency").asText(),
          "the payment takes its order's amount and currency");
      // The worker may have finished it since (test mode: success after 300 ms).
      assertEquals(
          r.getString("status").equals("pending") ? "attempted" : "paid",
          r.getString("order_status"));
      assertTrue(List.of("pending", "success").contains(r.getString("status")));
      assertEquals(body.get("amount").asLong(), r.getLong("amount"));
      assertEquals(body.get("vpa").asText(), r.getString("vpa"));
      assertEquals(
          body.get("created_at").asText(),
          Timestamps.format(r.getOffsetDateTime("created_at").toInstant()));
    }
    assertEquals(
        0,
        sql(
                "SELECT 1 FROM payments.payments WHERE order_id = ANY($1::text[])",
                Tuple.of(paid.toArray(String[]::new)))
            .size(),
        "a paid order takes no payment");

    // Each keyed request's own response is stored and replayed byte for byte; refused ones
    // released their keys.
    for (Answer a : created.values()) {
      if (a.key() == null) {
        continue;
      }
      Answer replay = call(a.orderId(), a.key(), vpaOf(a)).await().atMost(WAIT);
      assertTrue(replay.response().replayed());
      assertEquals(201, replay.response().status());
      assertArrayEquals(a.response().body(), replay.response().body());
    }
    assertEquals(
        0,
        sql(
                "SELECT 1 FROM payments.idempotency_keys WHERE merchant_id = $1 AND key LIKE $2"
                    + " AND (response_status IS NOT NULL OR locked_until > now())",
                Tuple.of(MERCHANT, run + "-paid-%"))
            .size(),
        "a refused request's key holds neither an answer nor a claim");

    // Three events per payment (created, pending, its job), each once, in shared outbox rows.
    String[] ids =
        created.values().stream().map(PaymentAcceptanceTest::idOf).toArray(String[]::new);
    Row events =
        sql(
                "SELECT count(DISTINCT o.id) AS outbox_rows, count(*) AS events,"
                    + " count(DISTINCT e.payload) AS distinct_events FROM payments.outbox o,"
                    + " unnest(o.payloads) AS e(payload), unnest($1::text[]) AS i(id)"
                    + " WHERE e.payload LIKE '%\"id\":\"' || i.id || '\"%' AND"
                    + " (e.payload LIKE '%\"type\":\"payment.created\"%'"
                    + " OR e.payload LIKE '%\"type\":\"payment.pending\"%'"
                    + " OR e.payload LIKE '%\"type\":\"payment.process\"%')",
                Tuple.of(ids))
            .iterator()
            .next();
    assertEquals(3L * ORDERS, events.getLong("events"));
    assertEquals(3L * ORDERS, events.getLong("distinct_events"));

    // Each of those events carries the payment exactly as its response showed it.
    Map<String, Answer> byPayment = new HashMap<>();
    created.values().forEach(a -> byPayment.put(idOf(a), a));
    int seen = 0;
    for (Row r :
        sql(
            "SELECT e.payload FROM payments.outbox o, unnest(o.payloads) AS e(payload)"
                + " WHERE e.payload LIKE '%\"merchant_id\":\"' || $1 || '\",\"request_id\":\"req_accept\"%'"
                + " AND e.payload NOT LIKE '%\"type\":\"payment.success\"%'"
                + " AND e.payload NOT LIKE '%\"type\":\"payment.failed\"%'",
            Tuple.of(MERCHANT.toString()))) {
      JsonNode payment = Json.parse(r.getString("payload")).path("data").path("payment");
      Answer a = byPayment.get(payment.path("id").asText());
      if (a != null) {
        assertArrayEquals(a.response().body(), JsonWriter.toBytes(payment));
        seen++;
      }
    }
    assertEquals(3 * ORDERS, seen);
    long statements = events.getLong("outbox_rows");
    assertTrue(
        statements <= ORDERS / 5,
        ORDERS + " payments requested together took " + statements + " accepting statements");
  }

  @Test
  void aFailingSecondPaymentForAnOrderLeavesTheAnswerOfTheFirstAlone() {
    // Two payments for one order reach the service together, and the second one's statement
    // fails (a trigger stands for any failure of it): the first is committed, and its caller must
    // get its 201, not an answer made up after the second's failure.
    String refused = "refused-" + UUID.randomUUID().toString().substring(0, 8) + "@bank";
    String blocker = Api.order(900);
    String order = Api.order(901);
    SqlConnection holder = pool.getConnection().await().atMost(WAIT);
    try {
      sql(
          "CREATE OR REPLACE FUNCTION payments.refuse_for_test() RETURNS trigger"
              + " LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'refused for the test'; END$$",
          Tuple.tuple());
      sql("DROP TRIGGER IF EXISTS refuse_for_test ON payments.payments", Tuple.tuple());
      sql(
          "CREATE TRIGGER refuse_for_test BEFORE INSERT ON payments.payments"
              + " FOR EACH ROW WHEN (NEW.vpa = '"
              + refused
              + "') EXECUTE FUNCTION payments.refuse_for_test()",
          Tuple.tuple());
      // While a payment for another order waits on that order's lock, the two requests queue up
      // and go out in one batch when it ends.
      holder.query("BEGIN").execute().await().atMost(WAIT);
      holder
          .preparedQuery("SELECT 1 FROM payments.orders WHERE id = $1 FOR UPDATE")
          .execute(Tuple.of(blocker))
          .await()
          .atMost(WAIT);
      var first = call(blocker, null, "blocked@paytm").subscribeAsCompletionStage();
      var accepted = call(order, null, "first@paytm").subscribeAsCompletionStage();
      var failing =
          call(order, null, refused)
              .onFailure()
              .recoverWithItem(e -> new Answer(MERCHANT, order, null, null, null))
              .subscribeAsCompletionStage();
      holder.query("ROLLBACK").execute().await().atMost(WAIT);

      assertEquals(201, done(first).response().status());
      Answer a = done(accepted);
      assertNull(a.error(), () -> "the first payment was answered " + a.error().description());
      assertEquals(201, a.response().status());
      assertNull(done(failing).response(), "the refused payment was stored");
      RowSet<Row> stored =
          sql("SELECT id FROM payments.payments WHERE order_id = $1", Tuple.of(order));
      assertEquals(1, stored.size());
      assertEquals(idOf(a), stored.iterator().next().getString("id"));
    } finally {
      holder.close().await().atMost(WAIT);
      sql("DROP TRIGGER IF EXISTS refuse_for_test ON payments.payments", Tuple.tuple());
      sql("DROP FUNCTION IF EXISTS payments.refuse_for_test()", Tuple.tuple());
    }
  }

  private Uni<Answer> call(String orderId, String key, String vpa) {
    return call(MERCHANT, orderId, key, vpa);
  }

  private Uni<Answer> call(UUID merchant, String orderId, String key, String vpa) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("order_id", orderId).put("method", "upi").put("vpa", vpa);
    return Uni.createFrom()
        .deferred(() -> service.create(new Caller(merchant, "req_accept"), key, body, PATH))
        .map(r -> new Answer(merchant, orderId, key, r, null))
        .onFailure(ApiException.class)
        .recoverWithItem(e -> new Answer(merchant, orderId, key, null, e));
  }

  private static <T> T done(CompletableFuture<T> answer) {
    return answer.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  private static String idOf(Answer a) {
    return Json.parse(a.response().body()).get("id").asText();
  }

  private static String vpaOf(Answer a) {
    return Json.parse(a.response().body()).get("vpa").asText();
  }

  private RowSet<Row> sql(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).await().atMost(WAIT);
  }
}
