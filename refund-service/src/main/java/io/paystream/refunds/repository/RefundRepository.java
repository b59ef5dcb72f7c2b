package io.paystream.refunds.repository;

import io.paystream.refunds.RefundJob;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Refunds: creation under the never-over-refund guard, processing, reads. */
@ApplicationScoped
public class RefundRepository {
  static final String COLUMNS =
      "id, payment_id, merchant_id, amount, reason, status, process_after, created_at, processed_at";

  private final Pool pool;

  public RefundRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * What one creation statement did.
   *
   * @param created whether the refund was stored
   * @param paymentOwner the payment's merchant as the statement saw it, {@code null} when unknown
   * @param paymentStatus the payment's status as the statement saw it, {@code null} when unknown
   */
  public record Admission(boolean created, UUID paymentOwner, String paymentStatus) {}

  /**
   * In one statement: raises the payment's refunded total by the refund's amount, only while the
   * payment is the merchant's, {@code success}, and the new total stays within its amount (the row
   * lock makes concurrent refunds of one payment take turns, each checking the total the previous
   * one committed); then stores the refund, its events and job, and the idempotent response. When
   * the guard refuses, nothing is written and the payment's owner and status are reported.
   */
  public Uni<Admission> create(RefundJob job, OutboxSql events, StoredResponse response) {
    RefundView r = job.refund();
    SqlParams p = new SqlParams();
    String amount = p.add(r.amount());
    String paymentId = p.add(r.paymentId());
    String merchantId = p.add(UUID.fromString(r.merchantId()));
    String sql =
        "WITH p AS (UPDATE "
            + Tables.PAYMENTS
            + " SET refunded = refunded + "
            + amount
            + " WHERE id = "
            + paymentId
            + " AND merchant_id = "
            + merchantId
            + " AND status = 'success' AND refunded + "
            + amount
            + " <= amount RETURNING id), r AS (INSERT INTO "
            + Tables.REFUNDS
            + " ("
            + COLUMNS
            + ") SELECT "
            + String.join(
                ", ",
                p.add(r.id()),
                "p.id",
                merchantId,
                amount,
                p.add(r.reason()),
                "'pending'",
                p.add(job.dueAt()),
                p.add(r.createdAt()),
                "NULL")
            + " FROM p RETURNING id), ev AS ("
            + events.insertInto(Tables.OUTBOX, p, "r")
            + ")"
            + StoredResponse.cte(response, p, "r")
            + " SELECT (SELECT count(*) FROM r) AS created, s.merchant_id, s.status"
            + " FROM (SELECT 1) one LEFT JOIN "
            + Tables.PAYMENTS
            + " s ON s.id = "
            + paymentId;
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(Rows::first)
        .map(
            row ->
                new Admission(
                    row.getLong("created") == 1,
                    row.getUUID("merchant_id"),
                    row.getString("status")));
  }

  /**
   * Whether the refund {@code refundId} of {@code merchantId} exists: asked about a {@link #create}
   * statement whose answer was lost with its connection, which PostgreSQL may have committed or may
   * still be running. The payment's row is locked first (that statement's guarded UPDATE holds it
   * until it commits or aborts), so that the refund is read only once such a statement has ended.
   */
  public Uni<Boolean> exists(String refundId, String paymentId, UUID merchantId) {
    return InDoubt.lockingLook(
        pool,
        conn ->
            conn.preparedQuery("SELECT 1 FROM " + Tables.PAYMENTS + " WHERE id = $1 FOR SHARE")
                .execute(Tuple.of(paymentId))
                .chain(
                    () ->
                        conn.preparedQuery(
                                "SELECT 1 FROM "
                                    + Tables.REFUNDS
                                    + " WHERE id = $1 AND merchant_id = $2")
                            .execute(Tuple.of(refundId, merchantId)))
                .map(rows -> rows.size() == 1));
  }

  /**
   * Marks a pending refund processed, once however many workers try, counting it and writing its
   * event in the same statement. Emits false when it was already processed.
   */
  public Uni<Boolean> finish(String refundId, Instant at, OutboxSql events) {
    SqlParams p = new SqlParams();
    String sql =
        "WITH r AS (UPDATE "
            + Tables.REFUNDS
            + " SET status = 'processed', processed_at = "
            + p.add(at)
            + " WHERE id = "
            + p.add(refundId)
            + " AND status = 'pending' RETURNING 1), c AS (INSERT INTO "
            + Tables.OUTCOME_INCREMENTS
            + " (status) SELECT 'processed' FROM r), ev AS ("
            + events.insertInto(Tables.OUTBOX, p, "r")
            + ") SELECT count(*) AS n FROM r";
    return pool.preparedQuery(sql).execute(p.tuple()).map(Rows::countedOne);
  }

  /** The merchant's refund, or {@code null} (also for another merchant's). */
  public Uni<RefundView> find(String id, UUID merchantId) {
    return pool.preparedQuery(
            "SELECT " + COLUMNS + " FROM " + Tables.REFUNDS + " WHERE id = $1 AND merchant_id = $2")
        .execute(Tuple.of(id, merchantId))
        .map(rows -> view(Rows.first(rows)));
  }

  /** Pending refunds due more than {@code graceMillis} ago, oldest first. */
  public Uni<List<RefundJob>> overdue(long graceMillis, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM "
                + Tables.REFUNDS
                + " WHERE status = 'pending' AND process_after < now() - $1 * interval '1 millisecond'"
                + " ORDER BY process_after LIMIT $2")
        .execute(Tuple.of(graceMillis, limit))
        .map(
            rows -> {
              List<RefundJob> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(new RefundJob(view(r), Rows.instant(r, "process_after")));
              }
              return out;
            });
  }

  static RefundView view(Row r) {
    if (r == null) {
      return null;
    }
    return new RefundView(
        r.getString("id"),
        r.getString("payment_id"),
        r.getUUID("merchant_id").toString(),
        r.getLong("amount"),
        r.getString("reason"),
        r.getString("status"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "processed_at"));
  }

  /**
   * The refunds of a page query whose rows carry {@code total} (and nulls when the page is empty).
   */
  static List<RefundView> page(RowSet<Row> rows) {
    List<RefundView> items = new ArrayList<>();
    for (Row r : rows) {
      if (r.getString("id") != null) {
        items.add(view(r));
      }
    }
    return items;
  }
}
