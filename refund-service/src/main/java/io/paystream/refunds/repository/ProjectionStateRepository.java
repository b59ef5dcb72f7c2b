package io.paystream.refunds.repository;

import io.paystream.shared.sql.Purge;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
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
   * Forgets every applied event id, so that every event still in the streams is merged again
   * (merges are monotonic: this never moves a projection back). In statements of {@value
   * Purge#BATCH} rows, each short: one long transaction would hold back the outbox relays of every
   * service in the database, which publish only what is older than every running transaction.
   */
  public Uni<Long> forgetAppliedEvents() {
    return Purge.appliedEvents(pool, Tables.PROCESSED_EVENTS, 0);
  }

  /** Records that the replay has started: the ids were forgotten and the groups moved back. */
  public Uni<Void> rebuildStarted() {
    return pool.query(
            "UPDATE "
                + Tables.PROJECTION_STATE
                + " SET rebuild_requested = false, rebuilt_at = now()")
        .execute()
        .replaceWithVoid();
  }

  /**
   * Forgets every applied event id older than {@code millis}, {@value Purge#BATCH} per statement;
   * emits how many.
   */
  public Uni<Long> purgeAppliedEvents(long millis) {
    return Purge.appliedEvents(pool, Tables.PROCESSED_EVENTS, millis);
  }
}
