package io.paystream.refunds.repository;

import io.paystream.shared.status.JobCounts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Refund work by state, for job status: pending refunds are counted directly (a partial index keeps
 * that cheap); finished ones come from totals plus not yet folded increments.
 */
@ApplicationScoped
public class RefundCountsRepository {
  private static final String COUNTS_SQL =
      "SELECT (SELECT count(*) FROM "
          + Tables.REFUNDS
          + " WHERE status = 'pending') AS pending, "
          + finished("processed")
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

  public RefundCountsRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Pending (in the database), processed and failed refunds; {@code processing} is left to the
   * caller, who knows its own jobs in flight.
   */
  public Uni<JobCounts> counts() {
    return pool.query(COUNTS_SQL)
        .execute()
        .map(rows -> rows.iterator().next())
        .map(
            (Row r) ->
                new JobCounts(
                    r.getLong("pending"), 0, r.getLong("completed"), r.getLong("failed")));
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
