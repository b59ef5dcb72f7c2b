package io.paystream.payments.repository;

import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.PendingPayment;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Payment writes after acceptance: finishing, capture, refunds applied; and what the sweeper reads.
 */
@ApplicationScoped
public class PaymentRepository {
  static final String VIEW_COLUMNS =
      "id, order_id, merchant_id, amount, currency, method, vpa, card_network, card_last4, status,"
          + " captured, error_code, error_description, amount_refunded, created_at, updated_at";
  private static final String PENDING_COLUMNS =
      VIEW_COLUMNS
          + ", planned_status, planned_error_code, planned_error_description, process_after";

  private final Pool pool;

  public PaymentRepository(Pool pool) {
    this.pool = pool;
  }

  /** A pending payment to finish with its drawn outcome, and its encoded finished event. */
  public record Finish(PendingPayment pending, String eventEnvelope) {}

  /**
   * Finishes pending payments with their drawn outcomes, each at most once, in one statement: marks
   * the orders of successful ones paid, counts the outcomes and writes one outbox row with the
   * events of those it finished. Emits the ids it finished; a payment no longer pending is left
   * alone. Ids must be distinct.
   */
  public Uni<Set<String>> finish(List<Finish> batch, Instant at, String eventStream) {
    int n = batch.size();
    String[] ids = new String[n];
    String[] statuses = new String[n];
    String[] codes = new String[n];
    String[] descriptions = new String[n];
    String[] events = new String[n];
    for (int i = 0; i < n; i++) {
      Finish f = batch.get(i);
      PaymentOutcome outcome = f.pending().outcome();
      ids[i] = f.pending().payment().id();
      statuses[i] = outcome.status();
      codes[i] = outcome.errorCode();
      descriptions[i] = outcome.errorDescription();
      events[i] = f.eventEnvelope();
    }
    String sql =
        // b is materialized and carries the status a payment must still have, so that the
        // guard is a join condition: each payment is found by primary key, whatever the
        // statistics say, instead of by scanning every pending payment through their index.
        "WITH b AS MATERIALIZED (SELECT *, 'pending'::text AS was FROM unnest($1::text[],"
            + " $2::text[], $3::text[], $4::text[], $5::text[])"
            + " AS u (id, status, error_code, error_description, event)),"
            // The orders to mark paid are locked first, in the order accepting takes them: an
            // accepting statement locks an order, then waits for its pending payment; were that
            // payment locked first here, each would wait for the other until the deadlock check.
            // By their ids' bytes ("C"), as accepting sorts its batch, whatever the database's
            // collation: in en_US, "a" comes before "B".
            + " lk AS MATERIALIZED (SELECT o.id FROM "
            + Tables.ORDERS
            + " o JOIN "
            + Tables.PAYMENTS
            + " x ON x.order_id = o.id JOIN b ON b.id = x.id"
            + " WHERE x.status = b.was AND b.status = 'success' ORDER BY o.id COLLATE \"C\""
            + " FOR UPDATE OF o),"
            + " p AS (UPDATE "
            + Tables.PAYMENTS
            + " x SET status = b.status, error_code = b.error_code,"
            + " error_description = b.error_description, updated_at = $6 FROM b"
            + " WHERE x.id = b.id AND x.status = b.was AND (SELECT count(*) FROM lk) >= 0"
            + " RETURNING x.id, x.order_id, b.status, b.event), o AS (UPDATE "
            + Tables.ORDERS
            + " SET status = 'paid', updated_at = $6 FROM p"
            + " WHERE orders.id = p.order_id AND p.status = 'success'), c AS (INSERT INTO "
            + Tables.OUTCOME_INCREMENTS
            + " (status, delta) SELECT status, count(*) FROM p GROUP BY status), ev AS (INSERT INTO "
            + Tables.OUTBOX
            + " (streams, payloads) SELECT array_agg($7::text), array_agg(event) FROM p"
            + " HAVING count(*) > 0) SELECT id FROM p";
    return pool.preparedQuery(sql)
        .execute(
            Tuple.from(
                new Object[] {
                  ids, statuses, codes, descriptions, events, Rows.timestamp(at), eventStream
                }))
        .map(
            rows -> {
              Set<String> finished = new HashSet<>();
              for (Row r : rows) {
                finished.add(r.getString("id"));
              }
              return finished;
            });
  }

  /**
   * Captures a successful payment whose refunded amount is still {@code seenRefunded}, with its
   * event and idempotent response. Emits false when it changed or is not capturable.
   */
  public Uni<Boolean> capture(
      PaymentView seen, Instant at, OutboxSql events, StoredResponse response) {
    SqlParams p = new SqlParams();
    String now = p.add(at);
    String sql =
        "WITH p AS (UPDATE "
            + Tables.PAYMENTS
            + " SET captured = true, captured_at = "
            + now
            + ", updated_at = "
            + now
            + " WHERE id = "
            + p.add(seen.id())
            + " AND status = 'success' AND NOT captured AND amount_refunded < amount"
            + " AND amount_refunded = "
            + p.add(seen.amountRefunded())
            + " RETURNING id), ev AS ("
            + events.insertInto(Tables.OUTBOX, p, "p")
            + ")"
            + StoredResponse.cte(response, p, "p")
            + " SELECT count(*) AS n FROM p";
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /**
   * Whether the {@link #capture} at {@code at} of the payment {@code paymentId} was made: asked
   * about a capture whose answer was lost with its connection, which PostgreSQL may have committed
   * or may still be running. The payment's row is locked first (that capture's UPDATE holds it
   * until it commits or aborts); the capture is known by its time, which only the capture that was
   * made wrote.
   */
  public Uni<Boolean> captured(String paymentId, Instant at) {
    return InDoubt.lockedRowHolds(
        pool,
        "SELECT captured_at = $2 FROM " + Tables.PAYMENTS + " WHERE id = $1 FOR SHARE",
        Tuple.of(paymentId, Rows.timestamp(at)));
  }

  /**
   * Adds {@code delta} to a payment's refunded amount once per event id; emits false for an event
   * seen before.
   */
  public Uni<Boolean> applyRefundEvent(String eventId, String paymentId, long delta, Instant at) {
    String sql =
        "WITH e AS (INSERT INTO "
            + Tables.PROCESSED_EVENTS
            + " (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1), p AS (UPDATE "
            + Tables.PAYMENTS
            + " SET amount_refunded = amount_refunded + $3, updated_at = $4"
            + " WHERE id = $2 AND EXISTS (SELECT 1 FROM e) RETURNING 1) SELECT count(*) AS n FROM e";
    return pool.preparedQuery(sql)
        .execute(Tuple.of(eventId, paymentId, delta, Rows.timestamp(at)))
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /** Pending payments due more than {@code graceMillis} ago, oldest first. */
  public Uni<List<PendingPayment>> overdue(long graceMillis, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + PENDING_COLUMNS
                + " FROM "
                + Tables.PAYMENTS
                + " WHERE status = 'pending' AND process_after < now() - $1 * interval '1 millisecond'"
                + " ORDER BY process_after LIMIT $2")
        .execute(Tuple.of(graceMillis, limit))
        .map(
            rows -> {
              List<PendingPayment> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new PendingPayment(
                        view(r),
                        new PaymentOutcome(
                            r.getString("planned_status"),
                            r.getString("planned_error_code"),
                            r.getString("planned_error_description")),
                        Rows.instant(r, "process_after")));
              }
              return out;
            });
  }

  static PaymentView view(Row r) {
    if (r == null) {
      return null;
    }
    return new PaymentView(
        r.getString("id"),
        r.getString("order_id"),
        r.getUUID("merchant_id").toString(),
        r.getLong("amount"),
        r.getString("currency"),
        r.getString("method"),
        r.getString("vpa"),
        r.getString("card_network"),
        r.getString("card_last4"),
        r.getString("status"),
        r.getBoolean("captured"),
        r.getString("error_code"),
        r.getString("error_description"),
        r.getLong("amount_refunded"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }
}
