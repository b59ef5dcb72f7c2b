package io.paystream.payments.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.PendingPayment;
import io.paystream.payments.repository.PaymentAcceptRepository;
import io.paystream.payments.repository.PaymentAcceptRepository.Accept;
import io.paystream.payments.repository.PaymentAcceptRepository.Acceptance;
import io.paystream.payments.repository.PaymentAcceptRepository.Verdict;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.TestDatabases;
import io.paystream.shared.time.Timestamps;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Finishing payments that fall due together: each exactly once, written in shared statements. */
@QuarkusTest
class PaymentFinisherTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int PAYMENTS = 150;
  private static final int TWICE = 20;
  private static final String TEST_MERCHANT_ID = "550e8400-e29b-41d4-a716-446655440000";

  @Inject PaymentFinisher finisher;
  @Inject PaymentAcceptRepository payments;
  @Inject Pool pool;
  @Inject Vertx vertx;

  @Test
  void aBurstIsFinishedOnceEachWithOneEventEachInFarFewerStatements() {
    List<PendingPayment> burst = new ArrayList<>();
    for (int i = 0; i < PAYMENTS; i++) {
      PaymentOutcome outcome =
          i % 3 == 0 ? PaymentOutcome.failed("PAYMENT_FAILED", "declined") : PaymentOutcome.SUCCESS;
      burst.add(pendingWithoutJob(Api.order(50_000), outcome));
    }

    // Every payment at once, and a second finish of some of them (a job and the sweeper racing).
    List<Uni<Boolean>> calls = new ArrayList<>();
    burst.forEach(p -> calls.add(finisher.finish(p, "req_burst")));
    IntStream.range(0, TWICE).forEach(i -> calls.add(finisher.finish(burst.get(i * 7), null)));
    List<Boolean> results = Uni.join().all(calls).andFailFast().await().atMost(WAIT);

    assertEquals(PAYMENTS, results.stream().filter(Boolean::booleanValue).count());
    for (int i = 0; i < PAYMENTS; i++) {
      PendingPayment p = burst.get(i);
      Row row =
          pool.preparedQuery(
                  "SELECT p.status, p.error_code, o.status AS order_status"
                      + " FROM payments.payments p JOIN payments.orders o ON o.id = p.order_id"
                      + " WHERE p.id = $1")
              .execute(Tuple.of(p.payment().id()))
              .await()
              .atMost(WAIT)
              .iterator()
              .next();
      assertEquals(p.outcome().status(), row.getString("status"));
      assertEquals(p.outcome().errorCode(), row.getString("error_code"));
      assertEquals(
          PaymentView.SUCCESS.equals(p.outcome().status()) ? "paid" : "attempted",
          row.getString("order_status"));
    }

    String[] ids = burst.stream().map(p -> p.payment().id()).toArray(String[]::new);
    Row events =
        pool.preparedQuery(
                "SELECT count(DISTINCT o.id) AS outbox_rows, count(*) AS events FROM"
                    + " payments.outbox o, unnest(o.payloads) AS e(payload), unnest($1::text[]) AS"
                    + " i(id) WHERE e.payload LIKE '%\"id\":\"' || i.id || '\"%' AND"
                    + " (e.payload LIKE '%\"type\":\"payment.success\"%'"
                    + " OR e.payload LIKE '%\"type\":\"payment.failed\"%')")
            .execute(Tuple.of(ids))
            .await()
            .atMost(WAIT)
            .iterator()
            .next();
    assertEquals(PAYMENTS, events.getLong("events"), "one finish event per payment");
    long statements = events.getLong("outbox_rows");
    assertTrue(
        statements <= PAYMENTS / 5,
        "finishing " + PAYMENTS + " payments due together took " + statements + " statements");
  }

  @Test
  void aPaymentFinishedAlreadyIsLeftAsItIsByALaterFinish() {
    PendingPayment pending = pendingWithoutJob(Api.order(50_000), PaymentOutcome.SUCCESS);
    assertTrue(finisher.finish(pending, "req_first").await().atMost(WAIT));
    // The first finish has committed; a later one (the sweeper, a job run again) comes with
    // another outcome drawn.
    PendingPayment again =
        new PendingPayment(
            pending.payment(),
            PaymentOutcome.failed("PAYMENT_FAILED", "declined"),
            pending.dueAt());
    assertFalse(finisher.finish(again, "req_again").await().atMost(WAIT));

    Row row =
        pool.preparedQuery(
                "SELECT p.status, p.error_code, o.status AS order_status"
                    + " FROM payments.payments p JOIN payments.orders o ON o.id = p.order_id"
                    + " WHERE p.id = $1")
            .execute(Tuple.of(pending.payment().id()))
            .await()
            .atMost(WAIT)
            .iterator()
            .next();
    assertEquals("success", row.getString("status"));
    assertNull(row.getString("error_code"));
    assertEquals("paid", row.getString("order_status"));
    Row events =
        pool.preparedQuery(
                "SELECT count(*) FILTER (WHERE e.payload LIKE '%\"type\":\"payment.success\"%')"
                    + " AS successes,"
                    + " count(*) FILTER (WHERE e.payload LIKE '%\"type\":\"payment.failed\"%')"
                    + " AS failures FROM payments.outbox o, unnest(o.payloads) AS e(payload)"
                    + " WHERE e.payload LIKE '%\"id\":\"' || $1 || '\"%'")
            .execute(Tuple.of(pending.payment().id()))
            .await()
            .atMost(WAIT)
            .iterator()
            .next();
    assertEquals(1, events.getLong("successes"), "one payment.success event");
    assertEquals(0, events.getLong("failures"), "no payment.failed event");
  }

  @Test
  void aPaymentFinishedWhileAnotherIsAcceptedForItsOrderDoesNotDeadlockWithIt() throws Exception {
    String order = Api.order(50_000);
    PendingPayment pending = pendingWithoutJob(order, PaymentOutcome.SUCCESS);
    long deadlocksBefore = deadlocks();
    SqlConnection accepting = pool.getConnection().await().atMost(WAIT);
    try {
      accepting.query("BEGIN").execute().await().atMost(WAIT);
      // An accepting statement for a second payment of the order: first it locks the order...
      accepting
          .preparedQuery("UPDATE payments.orders SET updated_at = now() WHERE id = $1")
          .execute(Tuple.of(order))
          .await()
          .atMost(WAIT);
      // ... while the first payment is being finished, which marks the order paid...
      var finishing = finisher.finish(pending, null).subscribeAsCompletionStage();
      awaitWaitingForALock("WITH b AS MATERIALIZED (SELECT *, 'pending'");
      // ... then it adds the payment, which the order's pending one refuses without waiting for
      // a lock the finishing statement holds: a wait would end in an error here, long before
      // PostgreSQL looked for a deadlock (after deadlock_timeout, 1 s), however slow the machine.
      accepting.query("SET LOCAL lock_timeout = '300ms'").execute().await().atMost(WAIT);
      int added =
          accepting
              .preparedQuery(
                  "INSERT INTO payments.payments SELECT (jsonb_populate_record(p,"
                      + " jsonb_build_object('id', $2::text))).* FROM payments.payments p"
                      + " WHERE p.id = $1 ON CONFLICT (order_id) WHERE status = 'pending' DO NOTHING")
              .execute(Tuple.of(pending.payment().id(), Ids.payment()))
              .await()
              .atMost(WAIT)
              .rowCount();
      accepting.query("COMMIT").execute().await().atMost(WAIT);

      assertEquals(0, added);
      assertTrue(finishing.toCompletableFuture().get(20, TimeUnit.SECONDS));
      assertEquals(0, deadlocks() - deadlocksBefore, "deadlocks between the two");
    } finally {
      accepting.close().await().atMost(WAIT);
    }
  }

  @Test
  void aBatchLocksItsOrdersInIdOrderAsFinishingDoes() throws Exception {
    String first = Api.order(50_000);
    String second = Api.order(50_000);
    if (first.compareTo(second) > 0) {
      String t = first;
      first = second;
      second = t;
    }
    // Planned as on tables of a running service's size: the batch walked in its order, each order
    // looked up by its key. (The few orders of a test are read whole, in the order they were
    // written.)
    String database =
        pool.query("SELECT current_database()")
            .execute()
            .await()
            .atMost(WAIT)
            .iterator()
            .next()
            .getString(0);
    Pool lookups =
        TestDatabases.pool(
            vertx,
            database,
            1,
            Map.of(
                "plan_cache_mode", "force_generic_plan",
                "enable_seqscan", "off",
                "enable_hashjoin", "off",
                "enable_mergejoin", "off"));
    SqlConnection other = pool.getConnection().await().atMost(WAIT);
    try {
      other.query("BEGIN").execute().await().atMost(WAIT);
      // Another statement holds the first order, as a finishing statement would on its way to the
      // second one...
      lockOrder(other, first, "");
      // ... while a batch comes in with the second order's payment ahead of the first's.
      var accepting =
          new PaymentAcceptRepository(lookups)
              .accept(
                  List.of(
                      accept(pending(second, PaymentOutcome.SUCCESS)),
                      accept(pending(first, PaymentOutcome.SUCCESS))))
              .subscribeAsCompletionStage();
      awaitWaitingForALock("WITH b AS MATERIALIZED (SELECT u.*");
      // The batch waits for the first order without holding the second: taken in arrival order,
      // the other statement, next wanting the second, would wait for the batch, and the batch for
      // it.
      lockOrder(other, second, " NOWAIT");
      other.query("COMMIT").execute().await().atMost(WAIT);
      assertEquals(
          List.of(Verdict.ACCEPTED, Verdict.ACCEPTED),
          accepting.toCompletableFuture().get(20, TimeUnit.SECONDS).stream()
              .map(Acceptance::verdict)
              .toList());
    } finally {
      other.close().await().atMost(WAIT);
      lookups.close().await().atMost(WAIT);
    }
  }

  /** Waits until one statement starting with {@code prefix} waits for a lock. */
  private void awaitWaitingForALock(String prefix) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                pool.preparedQuery(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND starts_with(query, $1)")
                        .execute(Tuple.of(prefix))
                        .await()
                        .atMost(WAIT)
                        .iterator()
                        .next()
                        .getLong(0)
                    == 1);
  }

  private static void lockOrder(SqlConnection connection, String orderId, String nowait) {
    connection
        .preparedQuery("SELECT 1 FROM payments.orders WHERE id = $1 FOR UPDATE" + nowait)
        .execute(Tuple.of(orderId))
        .await()
        .atMost(WAIT);
  }

  private long deadlocks() {
    // The statistics of this backend's view are read afresh.
    pool.query("SELECT pg_stat_clear_snapshot()").execute().await().atMost(WAIT);
    return pool.query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        .execute()
        .await()
        .atMost(WAIT)
        .iterator()
        .next()
        .getLong(0);
  }

  /** A pending payment stored with no job, so only this test finishes it. */
  private PendingPayment pendingWithoutJob(String orderId, PaymentOutcome outcome) {
    PendingPayment pending = pending(orderId, outcome);
    assertEquals(
        List.of(Verdict.ACCEPTED),
        payments.accept(List.of(accept(pending))).await().atMost(WAIT).stream()
            .map(Acceptance::verdict)
            .toList());
    return pending;
  }

  /** A payment of the order, due in an hour. */
  private static PendingPayment pending(String orderId, PaymentOutcome outcome) {
    Instant now = Timestamps.now();
    PaymentView view =
        PaymentView.accepted(
            Ids.payment(),
            orderId,
            TEST_MERCHANT_ID,
            50_000,
            "INR",
            "upi",
            "user@paytm",
            null,
            null,
            now);
    return new PendingPayment(view, outcome, now.plus(Duration.ofHours(1)));
  }

  /** The payment to accept, with its created event and no idempotency key. */
  private static Accept accept(PendingPayment pending) {
    PaymentView view = pending.payment();
    OutboxSql events =
        new OutboxSql(view.merchantId(), null, Timestamps.now())
            .add(Streams.PAYMENT_EVENTS, EventType.PAYMENT_CREATED, view::writeEventData);
    return new Accept(pending, events, null);
  }
}
