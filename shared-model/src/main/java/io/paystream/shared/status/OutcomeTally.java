package io.paystream.shared.status;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;

/**
 * Counts of work by state (finished work by outcome, or pending work by kind), kept so that job
 * status never counts a large table and changing work never waits on a shared counter row.
 *
 * <p>A change appends a row {@code (status, delta)} to an increments table (in the same statement
 * as the change, or from a statement trigger on the changed table); {@link #fold} moves increments
 * into a totals table now and then (several instances may fold at once: each takes disjoint rows).
 * A count is the total plus what is not yet folded.
 *
 * <p>Tables (each service's migration): {@code totals (status text PRIMARY KEY, n bigint)} and
 * {@code increments (id bigserial PRIMARY KEY, status text, delta int DEFAULT 1)}.
 */
public final class OutcomeTally {
  private final Pool pool;
  private final String totals;
  private final String increments;
  private final String foldSql;

  public OutcomeTally(Pool pool, String totalsTable, String incrementsTable) {
    this.pool = pool;
    this.totals = totalsTable;
    this.increments = incrementsTable;
    this.foldSql =
        "WITH d AS (DELETE FROM "
            + incrementsTable
            + " WHERE id IN (SELECT id FROM "
            + incrementsTable
            + " ORDER BY id LIMIT 100000 FOR UPDATE SKIP LOCKED) RETURNING status, delta)"
            + " INSERT INTO "
            + totalsTable
            // In one order, so that instances folding at once never lock two totals crosswise.
            + " AS t (status, n) SELECT status, sum(delta) FROM d GROUP BY status ORDER BY status"
            + " ON CONFLICT (status) DO UPDATE SET n = t.n + EXCLUDED.n";
  }

  /**
   * A SQL expression for the count of one outcome, for a service's job-count query; {@code status}
   * is one of the service's own constants, never client input.
   */
  public String countSql(String status) {
    if (!status.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a status name: " + status);
    }
    return "(coalesce((SELECT n FROM "
        + totals
        + " WHERE status = '"
        + status
        + "'), 0) + (SELECT coalesce(sum(delta), 0) FROM "
        + increments
        + " WHERE status = '"
        + status
        + "'))";
  }

  /** Folds increments into the totals; emits how many totals changed. */
  public Uni<Integer> fold() {
    return pool.query(foldSql).execute().map(RowSet::rowCount);
  }
}
