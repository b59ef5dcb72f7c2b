package io.paystream.payments.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Payment work by state, for job status: pending payments are counted directly (a partial index
 * keeps that cheap); finished ones come from totals plus not yet folded increments.
 */
@ApplicationScoped
public class PaymentCountsRepository {
  private static final String COUNTS_SQL =
      "SELECT (SELECT count(*) FROM "
          + Tables.PAYMENTS
          + " WHERE status = 'pending') AS pending, "
          + finished("success")
          + " AS completed, "
          + finished("failed")
          + " AS failed";

  private static final String FOLD_SQL =
      "WITH d AS (DELETE FROM "
          + Tables.OUTCOME_INCREMENTS
          + " WHERE id IN (SELECT id FROM "
          + Tables.OUTCOME_INCREMENTS
          + " ORDER BY id LIMIT 100000 FOR UPDATE SKIP LOCKED) RETURNING status) INSERT INTO "
          + Tables.OUTCOME_TOTALS
          + " AS t (status, n) SELECT status, count(*) FROM d GROUP BY status"
          + " ON CONFLICT (status) DO UPDATE SET n = t.n + EXCLUDED.n";

  private final Pool pool;

  public PaymentCountsRepository(Pool pool) {
    this.pool = pool;
  }

  /** Pending, completed (succeeded) and failed payments. */
  public record Counts(long pending, long completed, long failed) {}

  public Uni<Counts> counts() {
    return pool.query(COUNTS_SQL)
        .execute()
        .map(rows -> rows.iterator().next())
        .map(
            (Row r) ->
                new Counts(r.getLong("pending"), r.getLong("completed"), r.getLong("failed")));
  }

  /** Folds increments into the totals; emits how many increments were folded. */
  public Uni<Integer> fold() {
    return pool.query(FOLD_SQL).execute().map(rows -> rows.rowCount());
  }

  /** Whether the database answers. */
  public Uni<Boolean> ping() {
    return pool.query("SELECT 1").execute().map(rows -> true);
  }

  private static String finished(String status) {
    return "(coalesce((SELECT n FROM "
        + Tables.OUTCOME_TOTALS
        + " WHERE status = '"
        + status
        + "'), 0) + (SELECT count(*) FROM "
        + Tables.OUTCOME_INCREMENTS
        + " WHERE status = '"
        + status
        + "'))";
  }
}
