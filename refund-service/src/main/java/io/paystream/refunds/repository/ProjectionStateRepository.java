package io.paystream.refunds.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Whether the projections must be replayed, and the memory of applied event ids. */
@ApplicationScoped
public class ProjectionStateRepository {
  private final Pool pool;

  public ProjectionStateRepository(Pool pool) {
    this.pool = pool;
  }

  /** Asks for a replay (at the next start, or now by the caller). */
  public Uni<Void> requestRebuild() {
    return pool.query("UPDATE " + Tables.PROJECTION_STATE + " SET rebuild_requested = true")
        .execute()
        .replaceWithVoid();
  }

  /** Whether a replay was asked for (a new database asks for one). */
  public Uni<Boolean> rebuildRequested() {
    return pool.query("SELECT rebuild_requested FROM " + Tables.PROJECTION_STATE)
        .execute()
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean(0));
  }

  /**
   * Records that the replay has started (the consumer groups were moved to the start of their
   * streams) and forgets the applied event ids, so that every event still in the streams is merged
   * again. Merges are monotonic, so this never moves a projection back.
   */
  public Uni<Void> rebuildStarted() {
    return pool.query(
            "WITH s AS (UPDATE "
                + Tables.PROJECTION_STATE
                + " SET rebuild_requested = false, rebuilt_at = now() RETURNING 1)"
                + " DELETE FROM "
                + Tables.PROCESSED_EVENTS)
        .execute()
        .replaceWithVoid();
  }

  /** Forgets applied event ids older than {@code millis}, up to 10,000; emits how many. */
  public Uni<Integer> purgeAppliedEvents(long millis) {
    return pool.preparedQuery(
            "DELETE FROM "
                + Tables.PROCESSED_EVENTS
                + " WHERE event_id IN (SELECT event_id FROM "
                + Tables.PROCESSED_EVENTS
                + " WHERE processed_at < now() - $1 * interval '1 millisecond' LIMIT 10000)")
        .execute(Tuple.of(millis))
        .map(rows -> rows.rowCount());
  }
}
