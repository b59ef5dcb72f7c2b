package io.paystream.shared.sql;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.function.Supplier;

/**
 * Deleting what has aged out in bounded statements, each short enough not to hold locks or a
 * snapshot for long (a relay publishes only what is older than every running transaction), and as
 * many of them as it takes: a purge that deleted one batch a minute would fall behind for good once
 * rows came faster than that, and the table would grow without end.
 */
public final class Purge {
  /** Rows a purge statement deletes at most: short statements, holding few locks briefly. */
  public static final int BATCH = 10_000;

  private Purge() {}

  /**
   * Forgets every event id of {@code table} (a consumer's memory of the events it applied: {@code
   * event_id}, {@code processed_at}) applied more than {@code millis} ago; emits how many.
   */
  public static Uni<Long> appliedEvents(Pool pool, String table, long millis) {
    String sql =
        "DELETE FROM "
            + table
            + " WHERE event_id IN (SELECT event_id FROM "
            + table
            + " WHERE processed_at < now() - $1 * interval '1 millisecond' LIMIT "
            + BATCH
            + ")";
    return untilDone(
        () -> pool.preparedQuery(sql).execute(Tuple.of(millis)).map(rows -> rows.rowCount()),
        BATCH);
  }

  /**
   * Statements one run makes at most ({@value}, ten million rows at {@link #BATCH}): each one nests
   * a step of the run's result, which a deeper nesting would overflow the stack with; the next run
   * goes on where it stopped.
   */
  public static final int MAX_BATCHES = 1_000;

  /**
   * Runs {@code batch}, a delete of at most {@code batchSize} rows that emits how many it deleted,
   * again and again until one deletes fewer, {@value #MAX_BATCHES} times at most; emits how many
   * went in all.
   */
  public static Uni<Long> untilDone(Supplier<Uni<Integer>> batch, int batchSize) {
    return Batches.whileFull(() -> batch.get().map(Batches.Outcome::all), batchSize, MAX_BATCHES);
  }
}
