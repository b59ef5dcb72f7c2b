package io.paystream.payments.repository;

import io.paystream.shared.status.OutcomeTally;
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

  private final Pool pool;
  private final OutcomeTally tally;
  private final String countsSql;

  public PaymentCountsRepository(Pool pool) {
    this.pool = pool;
    this.tally = new OutcomeTally(pool, Tables.OUTCOME_TOTALS, Tables.OUTCOME_INCREMENTS);
    this.countsSql =
        "SELECT (SELECT count(*) FROM "
            + Tables.PAYMENTS
            + " WHERE status = 'pending') AS pending, "
            + tally.countSql("success")
            + " AS completed, "
            + tally.countSql("failed")
            + " AS failed";
  }

  /** Pending, completed (succeeded) and failed payments. */
  public record Counts(long pending, long completed, long failed) {}

  public Uni<Counts> counts() {
    return pool.query(countsSql)
        .execute()
        .map(rows -> rows.iterator().next())
        .map(
            (Row r) ->
                new Counts(r.getLong("pending"), r.getLong("completed"), r.getLong("failed")));
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
