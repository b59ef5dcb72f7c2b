package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.payments.Api;
import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.PendingPayment;
import io.paystream.payments.repository.PaymentAcceptRepository;
import io.paystream.payments.repository.PaymentAcceptRepository.Accept;
import io.paystream.payments.repository.PaymentAcceptRepository.Acceptance;
import io.paystream.payments.repository.PaymentAcceptRepository.Verdict;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.id.Ids;
import io.paystream.shared.idempotency.IdempotencyClaim;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.paystream.shared.web.Caller;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A payment with a new idempotency key claims the key in its accepting statement: the key, its
 * stored answer and the payment are made together or not at all, and a key an earlier request holds
 * is read, not taken, by that statement. A payment whose key was claimed before the statement is
 * made only while that claim still holds the key: a request that stalled past its lease, while a
 * retry took the key over or released it, makes no second payment, and the others of its statement
 * are made all the same.
 */
@QuarkusTest
class KeyClaimingAcceptanceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final UUID MERCHANT = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");
  private static final String PATH = "/api/v1/payments";
  private static final byte[] LEASED_FINGERPRINT = "a request".getBytes(StandardCharsets.UTF_8);

  @Inject PaymentAcceptRepository payments;
  @Inject PaymentService service;
  @Inject IdempotencyStore store;
  @Inject IdempotentRun idempotent;
  @Inject Pool pool;

  /** A payment to accept whose response claims {@code key}, and the view it was written from. */
  private record Claiming(Accept accept, PaymentView view) {}

  @Test
  void theStatementClaimsTheKeyStoresTheAnswerAndMakesThePaymentTogether() {
    String order = Api.order(12_345);
    String key = "k-" + UUID.randomUUID();
    Claiming c = claiming(order, key, "a@bank");

    Acceptance a = accept(c);

    assertEquals(Verdict.ACCEPTED, a.verdict());
    assertEquals(12_345, a.amount());
    Row stored = keyRow(key);
    assertEquals(201, stored.getInteger("response_status"));
    assertNull(stored.getValue("locked_until"), "stored complete, not as in flight");
    assertArrayEquals(fingerprint(order, "a@bank"), stored.getBuffer("fingerprint").getBytes());
    assertArrayEquals(
        c.view().withOrderTerms(12_345, "INR").toBytes(),
        stored.getBuffer("response_body").getBytes(),
        "the stored answer is the one sent, with the order's terms");
    assertEquals(1, count("SELECT count(*) FROM payments.payments WHERE order_id = $1", order));
    assertEquals("attempted", orderStatus(order));
  }

  @Test
  void aKeyAnEarlierRequestHoldsIsReadAndTheOtherOrderIsLeftAlone() {
    String first = Api.order(50_000);
    String key = "k-" + UUID.randomUUID();
    Claiming original = claiming(first, key, "a@bank");
    assertEquals(Verdict.ACCEPTED, accept(original).verdict());

    // The same request again: the stored answer, byte for byte.
    Acceptance again = accept(claiming(first, key, "a@bank"));
    assertEquals(Verdict.KEY_HELD, again.verdict());
    IdempotencyClaim.Replay replay =
        assertInstanceOf(
            IdempotencyClaim.Replay.class, again.held().claimFor(fingerprint(first, "a@bank")));
    assertArrayEquals(original.view().withOrderTerms(50_000, "INR").toBytes(), replay.body());

    // Another request with the key, for another order: a mismatch, and that order untouched.
    String other = Api.order(60_000);
    Row before = orderRow(other);
    Acceptance mismatch = accept(claiming(other, key, "b@bank"));
    assertEquals(Verdict.KEY_HELD, mismatch.verdict());
    assertInstanceOf(
        IdempotencyClaim.Mismatch.class, mismatch.held().claimFor(fingerprint(other, "b@bank")));
    assertEquals(0, count("SELECT count(*) FROM payments.payments WHERE order_id = $1", other));
    Row after = orderRow(other);
    assertEquals("created", after.getString("status"));
    assertEquals(before.getValue("updated_at"), after.getValue("updated_at"));

    // A key still in flight is read as such.
    String running = "k-" + UUID.randomUUID();
    store.claim(MERCHANT, running, fingerprint(other, "c@bank")).await().atMost(WAIT);
    Acceptance inFlight = accept(claiming(other, running, "c@bank"));
    assertEquals(Verdict.KEY_HELD, inFlight.verdict());
    assertInstanceOf(
        IdempotencyClaim.InFlight.class, inFlight.held().claimFor(fingerprint(other, "c@bank")));
    assertEquals("created", orderStatus(other));
  }

  @Test
  void anExpiredKeyOrOneWhoseHolderDiedIsLeftToAClaimWhichTakesItOver() {
    String expiredKey = "k-" + UUID.randomUUID();
    String paidOrder = Api.order(50_000);
    assertEquals(Verdict.ACCEPTED, accept(claiming(paidOrder, expiredKey, "a@bank")).verdict());
    sql(
        "UPDATE payments.idempotency_keys SET expires_at = now() - interval '1 second'"
            + " WHERE merchant_id = $1 AND key = $2",
        Tuple.of(MERCHANT, expiredKey));
    String deadKey = "k-" + UUID.randomUUID();
    String deadOrder = Api.order(50_000);
    store.claim(MERCHANT, deadKey, fingerprint(deadOrder, "d@bank")).await().atMost(WAIT);
    sql(
        "UPDATE payments.idempotency_keys SET locked_until = now() - interval '1 second'"
            + " WHERE merchant_id = $1 AND key = $2",
        Tuple.of(MERCHANT, deadKey));

    String next = Api.order(70_000);
    assertEquals(Verdict.KEY_UNSETTLED, accept(claiming(next, expiredKey, "e@bank")).verdict());
    assertEquals(Verdict.KEY_UNSETTLED, accept(claiming(deadOrder, deadKey, "d@bank")).verdict());
    assertEquals(0, count("SELECT count(*) FROM payments.payments WHERE order_id = $1", next));
    assertEquals("created", orderStatus(next));

    // Through the service, the claim takes each key over and the payment is made.
    ApiResponse fresh = create(next, expiredKey, "e@bank");
    assertEquals(201, fresh.status());
    assertFalse(fresh.replayed());
    assertEquals(70_000, Json.parse(fresh.body()).get("amount").asLong());
    ApiResponse retried = create(deadOrder, deadKey, "d@bank");
    assertEquals(201, retried.status());
    assertFalse(retried.replayed());
    assertArrayEquals(retried.body(), keyRow(deadKey).getBuffer("response_body").getBytes());
  }

  @Test
  void aKeyTakenAfterTheSnapshotMakesTheStatementRunAgainAndNothingIsStored() throws Exception {
    String order = Api.order(50_000);
    String key = "k-" + UUID.randomUUID();
    byte[] fingerprint = fingerprint(order, "a@bank");
    // A duplicate of the request, claiming the key on another instance: it commits only once our
    // statement, with its snapshot taken, waits for that key.
    SqlConnection other =
        inTransaction(
            "INSERT INTO payments.idempotency_keys (merchant_id, key, fingerprint, locked_until,"
                + " created_at, expires_at) VALUES ($1, $2, $3, now() + interval '1 minute',"
                + " now(), now() + interval '1 day')",
            Tuple.of(MERCHANT, key, Buffer.buffer(fingerprint)));
    try {
      var ours = acceptLater(claiming(order, key, "a@bank")).subscribeAsCompletionStage();
      awaitWaitingForALock("AS key_taken");
      other.query("COMMIT").execute().await().atMost(WAIT);

      Acceptance a = Uni.createFrom().completionStage(ours).await().atMost(WAIT);
      assertEquals(Verdict.KEY_HELD, a.verdict(), "ran again, and read the key");
      assertInstanceOf(IdempotencyClaim.InFlight.class, a.held().claimFor(fingerprint));
    } finally {
      other.close().await().atMost(WAIT);
    }
    assertEquals(
        0,
        count("SELECT count(*) FROM payments.payments WHERE order_id = $1", order),
        "no payment made without its key");
    assertEquals("created", orderStatus(order));
    assertEquals(1, count("SELECT count(*) FROM payments.idempotency_keys WHERE key = $1", key));
    assertNull(keyRow(key).getValue("response_status"), "the key is the other request's");
  }

  @Test
  void aPaymentWhoseClaimStillHoldsItsKeyIsMadeAndCompletesTheKey() {
    String order = Api.order(20_000);
    String key = "k-" + UUID.randomUUID();
    OffsetDateTime lease = claim(key);

    Acceptance a = acceptAll(List.of(leased(order, key, lease))).get(0);

    assertEquals(Verdict.ACCEPTED, a.verdict());
    assertEquals(1, paymentsFor(order));
    Row stored = keyRow(key);
    assertEquals(201, stored.getInteger("response_status"));
    assertNull(stored.getValue("locked_until"), "completed, no longer in flight");
  }

  @Test
  void aPaymentWhoseKeyARetryTookOverIsNotMadeAndTheOthersOfItsStatementAre() {
    String stalledOrder = Api.order(20_000);
    String stalledKey = "k-" + UUID.randomUUID();
    OffsetDateTime stalledLease = claim(stalledKey);
    OffsetDateTime retryLease = takeOver(stalledKey);
    String heldOrder = Api.order(30_000);
    String heldKey = "k-" + UUID.randomUUID();
    OffsetDateTime heldLease = claim(heldKey);
    String plainOrder = Api.order(40_000);
    String newKeyOrder = Api.order(50_000);
    String newKey = "k-" + UUID.randomUUID();

    List<Acceptance> verdicts =
        acceptAll(
            List.of(
                leased(stalledOrder, stalledKey, stalledLease),
                leased(heldOrder, heldKey, heldLease),
                payment(plainOrder, "a@bank", view -> null).accept(),
                claiming(newKeyOrder, newKey, "b@bank").accept()));

    assertEquals(Verdict.KEY_LOST, verdicts.get(0).verdict());
    assertEquals(0, paymentsFor(stalledOrder), "no payment made under a lost claim");
    assertEquals("created", orderStatus(stalledOrder));
    Row retry = keyRow(stalledKey);
    assertNull(retry.getValue("response_status"), "the key is the retry's, still in flight");
    assertEquals(retryLease.toInstant(), retry.getOffsetDateTime("locked_until").toInstant());
    assertEquals(Verdict.ACCEPTED, verdicts.get(1).verdict());
    assertEquals(1, paymentsFor(heldOrder));
    assertEquals(201, keyRow(heldKey).getInteger("response_status"));
    assertEquals(Verdict.ACCEPTED, verdicts.get(2).verdict());
    assertEquals(1, paymentsFor(plainOrder));
    assertEquals(Verdict.ACCEPTED, verdicts.get(3).verdict());
    assertEquals(1, paymentsFor(newKeyOrder));
    assertEquals(201, keyRow(newKey).getInteger("response_status"), "claimed by the statement");
  }

  @Test
  void aPaymentWhoseKeyARetryTookOverAndReleasedIsNotMade() {
    String order = Api.order(20_000);
    String key = "k-" + UUID.randomUUID();
    OffsetDateTime lease = claim(key);
    store.release(MERCHANT, key, takeOver(key)).await().atMost(WAIT);

    Acceptance a = acceptAll(List.of(leased(order, key, lease))).get(0);

    assertEquals(Verdict.KEY_LOST, a.verdict());
    assertEquals(0, paymentsFor(order));
    assertEquals("created", orderStatus(order));
    assertInstanceOf(
        IdempotencyClaim.Claimed.class,
        store.claim(MERCHANT, key, LEASED_FINGERPRINT).await().atMost(WAIT),
        "the key is free for the next request");
  }

  @Test
  void aTakeOverCommittedWhileTheStatementRanIsSeen() throws Exception {
    String order = Api.order(20_000);
    String key = "k-" + UUID.randomUUID();
    OffsetDateTime lease = claim(key);
    // The retry's take-over, on another instance: it commits only once our statement, with its
    // snapshot taken, waits for the key.
    SqlConnection other =
        inTransaction(
            "UPDATE payments.idempotency_keys SET locked_until = now() + interval '1 minute'"
                + " WHERE merchant_id = $1 AND key = $2",
            Tuple.of(MERCHANT, key));
    try {
      var ours = payments.accept(List.of(leased(order, key, lease))).subscribeAsCompletionStage();
      awaitWaitingForALock("kh AS MATERIALIZED");
      other.query("COMMIT").execute().await().atMost(WAIT);

      assertEquals(
          Verdict.KEY_LOST, ours.toCompletableFuture().get(30, TimeUnit.SECONDS).get(0).verdict());
    } finally {
      other.close().await().atMost(WAIT);
    }
    assertEquals(0, paymentsFor(order));
    assertEquals("created", orderStatus(order));
    assertNull(keyRow(key).getValue("response_status"), "the key is the retry's");
  }

  /**
   * A payment whose key was claimed before: its statement waits for the key's row (another
   * transaction holds it) when its answer is lost. The look made then must not read "not made": the
   * statement has not reached the payment's order, whose lock is free, and makes the payment once
   * the key's row is let go. The look waits for the key's row too, and so cannot tell until then.
   */
  @Test
  void aLookWaitsForTheKeyRowItsStatementWaitsFor() throws Exception {
    String order = Api.order(20_000);
    String key = "k-" + UUID.randomUUID();
    Accept leased = leased(order, key, claim(key));
    SqlConnection other =
        inTransaction(
            "SELECT 1 FROM payments.idempotency_keys WHERE merchant_id = $1 AND key = $2"
                + " FOR UPDATE",
            Tuple.of(MERCHANT, key));
    try {
      var statement = payments.accept(List.of(leased)).subscribeAsCompletionStage();
      awaitWaitingForALock("kh AS MATERIALIZED");

      Throwable look =
          assertThrows(
              Throwable.class,
              () -> payments.accepted(leased).await().atMost(WAIT),
              "read as not made while its statement waited for the key");
      assertEquals(
          "55P03",
          assertInstanceOf(PgException.class, look).getSqlState(),
          "the look waited for the key's row until its lock timeout");

      other.query("ROLLBACK").execute().await().atMost(WAIT);
      assertEquals(
          Verdict.ACCEPTED,
          statement.toCompletableFuture().get(30, TimeUnit.SECONDS).get(0).verdict());
    } finally {
      other.close().await().atMost(WAIT);
    }
    Acceptance found = payments.accepted(leased).await().atMost(WAIT);
    assertEquals(Verdict.ACCEPTED, found.verdict(), "found once the statement ended");
    assertEquals(20_000, found.amount());
  }

  /**
   * A connection of another transaction, as of another instance, that has run {@code sql} and holds
   * what it locked until it commits or rolls back; the caller closes it.
   */
  private SqlConnection inTransaction(String sql, Tuple args) {
    SqlConnection other = pool.getConnection().await().atMost(WAIT);
    try {
      other.query("BEGIN").execute().await().atMost(WAIT);
      other.preparedQuery(sql).execute(args).await().atMost(WAIT);
      return other;
    } catch (RuntimeException e) {
      other.close().await().atMost(WAIT);
      throw e;
    }
  }

  private Uni<Acceptance> acceptLater(Claiming c) {
    return payments.accept(List.of(c.accept())).map(list -> list.get(0));
  }

  /** Waits until the statement whose text holds {@code marker} waits for a row lock. */
  private void awaitWaitingForALock(String marker) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      long waiting =
          sql(
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                      + " AND query LIKE $1 AND datname = current_database()",
                  Tuple.of("%" + marker + "%"))
              .iterator()
              .next()
              .getLong(0);
      if (waiting > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the accepting statement never waited for the key");
  }

  /** Claims {@code key} as a request does before its statement; emits the claim's lease. */
  private OffsetDateTime claim(String key) {
    return assertInstanceOf(
            IdempotencyClaim.Claimed.class,
            store.claim(MERCHANT, key, LEASED_FINGERPRINT).await().atMost(WAIT))
        .lease();
  }

  /** Ends the lease of {@code key}'s claim, and takes the key over as a retry would. */
  private OffsetDateTime takeOver(String key) {
    sql(
        "UPDATE payments.idempotency_keys SET locked_until = now() - interval '1 second'"
            + " WHERE merchant_id = $1 AND key = $2",
        Tuple.of(MERCHANT, key));
    return claim(key);
  }

  /** A payment whose key was claimed before, with {@code lease}. */
  private Accept leased(String orderId, String key, OffsetDateTime lease) {
    return payment(
            orderId,
            "a@bank",
            view -> new StoredResponse(store, MERCHANT, key, 201, body(view), null, lease))
        .accept();
  }

  private List<Acceptance> acceptAll(List<Accept> batch) {
    return payments.accept(batch).await().atMost(WAIT);
  }

  private long paymentsFor(String orderId) {
    return count("SELECT count(*) FROM payments.payments WHERE order_id = $1", orderId);
  }

  private Claiming claiming(String orderId, String key, String vpa) {
    return payment(
        orderId,
        vpa,
        view ->
            new StoredResponse(
                store, MERCHANT, key, 201, body(view), fingerprint(orderId, vpa), null));
  }

  /** A payment on {@code orderId}, its response to store made by {@code response} (or none). */
  private Claiming payment(
      String orderId, String vpa, Function<PaymentView, StoredResponse> response) {
    Instant now = Timestamps.now();
    PaymentView view =
        PaymentView.accepted(
            Ids.payment(), orderId, MERCHANT.toString(), 0, null, "upi", vpa, null, null, now);
    PendingPayment pending =
        new PendingPayment(
            view, new PaymentOutcome("success", null, null), now.plus(Duration.ofHours(1)));
    OutboxSql events =
        new OutboxSql(view.merchantId(), "req_claiming", Timestamps.now())
            .add(
                Streams.PAYMENT_EVENTS,
                EventType.PAYMENT_CREATED,
                view::writeEventDataAwaitingOrder);
    return new Claiming(new Accept(pending, events, response.apply(view)), view);
  }

  private static byte[] body(PaymentView view) {
    return view.writeAwaitingOrder(new JsonWriter()).toBytes();
  }

  private Acceptance accept(Claiming c) {
    return acceptLater(c).await().atMost(WAIT);
  }

  private byte[] fingerprint(String orderId, String vpa) {
    return idempotent.fingerprint("POST", PATH, Json.parse(body(orderId, vpa)));
  }

  private static String body(String orderId, String vpa) {
    return "{\"order_id\":\"" + orderId + "\",\"method\":\"upi\",\"vpa\":\"" + vpa + "\"}";
  }

  private Uni<ApiResponse> createUni(String orderId, String key, String vpa) {
    return Uni.createFrom()
        .deferred(
            () ->
                service.create(
                    new Caller(MERCHANT, "req_claiming"),
                    key,
                    Json.parseRequest(body(orderId, vpa).getBytes(StandardCharsets.UTF_8)),
                    PATH));
  }

  private ApiResponse create(String orderId, String key, String vpa) {
    return createUni(orderId, key, vpa).await().atMost(WAIT);
  }

  private Throwable createFailure(String orderId, String key, String vpa) {
    return createUni(orderId, key, vpa)
        .map(r -> (Throwable) new AssertionError("answered " + r.status()))
        .onFailure()
        .recoverWithItem(t -> t)
        .await()
        .atMost(WAIT);
  }

  private Row keyRow(String key) {
    return sql(
            "SELECT * FROM payments.idempotency_keys WHERE merchant_id = $1 AND key = $2",
            Tuple.of(MERCHANT, key))
        .iterator()
        .next();
  }

  private Row orderRow(String orderId) {
    return sql("SELECT status, updated_at FROM payments.orders WHERE id = $1", Tuple.of(orderId))
        .iterator()
        .next();
  }

  private String orderStatus(String orderId) {
    return orderRow(orderId).getString("status");
  }

  private long count(String sql, String arg) {
    return sql(sql, Tuple.of(arg)).iterator().next().getLong(0);
  }

  private RowSet<Row> sql(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).await().atMost(WAIT);
  }
}
