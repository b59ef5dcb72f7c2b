package io.paystream.refunds.repository;

import io.paystream.shared.status.JobCounts;
import io.paystream.shared.status.OutcomeTally;
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

  private final Pool pool;
  private final OutcomeTally tally;
  private final String countsSql;

  public RefundCountsRepository(Pool pool) {
    this.pool = pool;
    this.tally = new OutcomeTally(pool, Tables.OUTCOME_TOTALS, Tables.OUTCOME_INCREMENTS);
    this.countsSql =
        "SELECT (SELECT count(*) FROM "
            + Tables.REFUNDS
            + " WHERE status = 'pending') AS pending, "
            + tally.countSql("processed")
            + " AS completed, "
            + tally.countSql("failed")
            + " AS failed";
  }

  /**
   * Pending (in the database), processed and failed refunds; {@code processing} is left to the
   * caller, who knows its own jobs in flight.
   */
  public Uni<JobCounts> counts() {
    return pool.query(countsSql)
        .execute()
        .map(rows -> rows.iterator().next())
        .map(
            (Row r) ->
                new JobCounts(
                    r.getLong("pending"), 0, r.getLong("completed"), r.getLong("failed")));
  }

  /** Folds increments into the totals; emits how many totals changed. */
  public Uni<Integer> fold() {
    return tally.fold();
  }

  /** Whether the database answers. */
  public Uni<Boolean> ping() {
    return pool.query("SELECT 1").execute().map(rows -> true);
  }
}
