package io.paystream.refunds.repository;

import io.paystream.refunds.ProjectedPayment;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** The payments projection: each payment's merchant, amount, status and refunded total. */
@ApplicationScoped
public class PaymentRepository {
  private final Pool pool;

  public PaymentRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Applies a payment event once per event id. Merges are monotonic, so events arriving late, twice
   * or out of order never move a payment back: status only leaves {@code pending}, {@code captured}
   * only becomes true. A payment seen for the first time takes its refunded total from its refunds
   * (zero, unless the projection is being rebuilt). Emits whether the row changed.
   */
  public Uni<Boolean> apply(String eventId, PaymentView v) {
    SqlParams p = new SqlParams();
    String id = p.add(v.id());
    String sql =
        "WITH "
            + Rows.firstTimeSeen(p, eventId)
            + ", p AS (INSERT INTO "
            + Tables.PAYMENTS
            + " AS p (id, merchant_id, amount, currency, status, captured, refunded, created_at,"
            + " seen_at) SELECT "
            + String.join(
                ", ",
                id,
                p.add(UUID.fromString(v.merchantId())),
                p.add(v.amount()),
                p.add(v.currency()),
                p.add(v.status()),
                p.add(v.captured()),
                "(SELECT coalesce(sum(amount), 0)::bigint FROM "
                    + Tables.REFUNDS
                    + " WHERE payment_id = "
                    + id
                    + " AND status <> 'failed')",
                p.add(v.createdAt()),
                "now()")
            + " WHERE EXISTS (SELECT 1 FROM e) ON CONFLICT (id) DO UPDATE SET"
            + " status = CASE WHEN p.status = 'pending' THEN EXCLUDED.status ELSE p.status END,"
            + " captured = p.captured OR EXCLUDED.captured, seen_at = now()"
            + " WHERE (p.status = 'pending' AND EXCLUDED.status <> 'pending')"
            + " OR (EXCLUDED.captured AND NOT p.captured) RETURNING 1)"
            + " SELECT count(*) AS n FROM p";
    return pool.preparedQuery(sql).execute(p.tuple()).map(Rows::countedOne);
  }

  /** The payment as this service knows it, or {@code null} when no event about it arrived yet. */
  public Uni<ProjectedPayment> find(String id) {
    return pool.preparedQuery(
            "SELECT id, merchant_id, amount, currency, status, captured, refunded FROM "
                + Tables.PAYMENTS
                + " WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> payment(Rows.first(rows)));
  }

  private static ProjectedPayment payment(Row r) {
    if (r == null) {
      return null;
    }
    return new ProjectedPayment(
        r.getString("id"),
        r.getUUID("merchant_id"),
        r.getLong("amount"),
        r.getString("currency"),
        r.getString("status"),
        r.getBoolean("captured"),
        r.getLong("refunded"));
  }
}
