package io.paystream.webhooks.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deliveries by state, for job status and metrics: pending ones are counted directly (the partial
 * index {@code deliveries_due} holds only them); finished ones come from totals plus not yet folded
 * increments.
 */
@ApplicationScoped
public class CountsRepository {
  private static final String COUNTS_SQL =
      "SELECT (SELECT count(*) FROM "
          + Tables.DELIVERIES
          + " WHERE status = 'pending') AS pending, (SELECT count(*) FROM "
          + Tables.DELIVERIES
          + " WHERE status = 'pending' AND run_at <= now()) AS due, "
          + finished("success")
          + " AS completed, "
          + finished("failed")
          + " AS failed";

  private static final String FOLD_SQL =
      "WITH d AS (DELETE FROM "
          + Tables.OUTCOME_INCREMENTS
          + " WHERE id IN (SELECT id FROM "
          + Tables.OUTCOME_INCREMENTS
          + " ORDER BY id LIMIT 100000 FOR UPDATE SKIP LOCKED) RETURNING status, delta)"
          + " INSERT INTO "
          + Tables.OUTCOME_TOTALS
          + " AS t (status, n) SELECT status, sum(delta) FROM d GROUP BY status"
          + " ON CONFLICT (status) DO UPDATE SET n = t.n + EXCLUDED.n";

  private final Pool pool;

  public CountsRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Pending deliveries (of which {@code due}: waiting past their due time, not taken by anyone),
   * delivered ones and failed ones.
   */
  public record Counts(long pending, long due, long completed, long failed) {}

  public Uni<Counts> counts() {
    return pool.query(COUNTS_SQL)
        .execute()
        .map(rows -> rows.iterator().next())
        .map(
            (Row r) ->
                new Counts(
                    r.getLong("pending"),
                    r.getLong("due"),
                    r.getLong("completed"),
                    r.getLong("failed")));
  }

  /** Folds increments into the totals; emits how many totals it changed. */
  public Uni<Integer> fold() {
    return pool.query(FOLD_SQL).execute().map(rows -> rows.rowCount());
  }

  private static String finished(String status) {
    return "(coalesce((SELECT n FROM "
        + Tables.OUTCOME_TOTALS
        + " WHERE status = '"
        + status
        + "'), 0) + (SELECT coalesce(sum(delta), 0) FROM "
        + Tables.OUTCOME_INCREMENTS
        + " WHERE status = '"
        + status
        + "'))";
  }
}
