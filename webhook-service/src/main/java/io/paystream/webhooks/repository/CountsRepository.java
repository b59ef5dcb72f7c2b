package io.paystream.webhooks.repository;

import io.paystream.shared.status.OutcomeTally;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deliveries by state, for job status and metrics. Pending ones (waiting or parked) and finished
 * ones come from totals plus not yet folded increments, never from counting the table (see V8);
 * only the due ones are counted, from the start of the partial index {@code deliveries_due} (they
 * are what instances take next), parked ones being all due.
 */
@ApplicationScoped
public class CountsRepository {

  private final Pool pool;
  private final OutcomeTally tally;
  private final OutcomeTally pendingTally;
  private final String countsSql;

  public CountsRepository(Pool pool) {
    this.pool = pool;
    this.tally = new OutcomeTally(pool, Tables.OUTCOME_TOTALS, Tables.OUTCOME_INCREMENTS);
    this.pendingTally = new OutcomeTally(pool, Tables.PENDING_TOTALS, Tables.PENDING_INCREMENTS);
    this.countsSql =
        "SELECT w.waiting + w.parked AS pending, d.due + w.parked AS due, d.unclaimed, "
            + tally.countSql("success")
            + " AS completed, "
            + tally.countSql("failed")
            + " AS failed FROM (SELECT "
            + pendingTally.countSql("waiting")
            + " AS waiting, "
            + pendingTally.countSql("parked")
            + " AS parked) w,"
            // one read of the due ones; the unclaimed are among them
            + " (SELECT count(*) AS due,"
            + " count(*) FILTER (WHERE run_at <= now() - interval '1 second') AS unclaimed FROM "
            + Tables.DELIVERIES
            + " WHERE status = 'pending' AND NOT parked AND run_at <= now()) d";
  }

  /**
   * Pending deliveries (of which {@code due}: past their due time, not taken by anyone; of those,
   * {@code unclaimed}: more than a second past it, the API's promise, waiting for any instance to
   * claim them, not parked behind their endpoint's share of attempts), delivered ones and failed
   * ones.
   */
  public record Counts(long pending, long due, long unclaimed, long completed, long failed) {}

  public Uni<Counts> counts() {
    return pool.query(countsSql)
        .execute()
        .map(rows -> rows.iterator().next())
        .map(
            (Row r) ->
                new Counts(
                    r.getLong("pending"),
                    r.getLong("due"),
                    r.getLong("unclaimed"),
                    r.getLong("completed"),
                    r.getLong("failed")));
  }

  /** Folds increments into the totals; emits how many totals it changed. */
  public Uni<Integer> fold() {
    return tally.fold().flatMap(finished -> pendingTally.fold().map(pending -> finished + pending));
  }
}
