package io.paystream.shared.outbox;

import io.paystream.shared.id.Ids;
import io.paystream.shared.stream.Streams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

/**
 * Notices when Redis has lost its data and re-drives the outbox.
 *
 * <p>A random token lives in Redis under {@code paystream:epoch}; the service remembers the last
 * token it saw in its own table. A Redis restart without persistence, or a flush, removes the
 * token: the next check writes a new one, finds it differs from the remembered one, and in the same
 * statement moves the relay's cursor back to the last row every reader was seen to have finished
 * ({@link OutboxRelay#rewindSql}), so the relay sends every retained row after it once more. With
 * several instances exactly one wins that statement.
 *
 * <p>The relay notices the same loss on its own, by its publish counter ({@link OutboxRelay}),
 * often first; re-driving a second time would send every retained row twice more. So the watch
 * reads the count the cursor records, then Redis' counter, and re-drives only when the cursor still
 * records that count and it is above Redis': the cursor was moved past batches Redis lost, and has
 * not moved since. A cursor that moved meanwhile was moved by a relay that found Redis' counter
 * above the one it recorded: it had re-driven already (or, before the loss, it finds the loss
 * itself at its next batch).
 */
public final class RedisEpochWatch {
  private static final Logger LOG = Logger.getLogger(RedisEpochWatch.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final OutboxRelay relay;
  private final String redriveSql;
  private volatile long timer = -1;
  private volatile String lastSeen;

  /**
   * @param epochTable the service's epoch table, schema-qualified
   * @param relayOptions the outbox it re-drives (its table and retention)
   */
  public RedisEpochWatch(
      Vertx vertx,
      Pool pool,
      Redis redis,
      OutboxRelay relay,
      String epochTable,
      RelayOptions relayOptions) {
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.relay = relay;
    this.redriveSql =
        "WITH prev AS (SELECT epoch FROM "
            + epochTable
            + "), up AS (INSERT INTO "
            + epochTable
            + " AS t (id, epoch, seen_at) VALUES (true, $1, now())"
            + " ON CONFLICT (id) DO UPDATE SET epoch = EXCLUDED.epoch, seen_at = now()"
            + " WHERE t.epoch <> EXCLUDED.epoch RETURNING 1) "
            + OutboxRelay.rewindSql(relayOptions.cursorTable())
            + " WHERE EXISTS (SELECT 1 FROM up) AND EXISTS (SELECT 1 FROM prev)"
            // $3: the count read before Redis' ($2). Past batches Redis lost (or, from before the
            // counter, past rows without one: beyond what every reader had acknowledged, where a
            // re-drive by the relay leaves it), and not moved since.
            + " AND last_sequence = $3::bigint"
            + " AND ($3::bigint > $2::bigint"
            + " OR ($3::bigint = 0 AND (last_txid, last_id) > (acked_txid, acked_id)))";
  }

  /** Checks now and then every {@code intervalMillis}. */
  public Uni<Void> start(long intervalMillis) {
    return check()
        .onFailure()
        .recoverWithNull()
        .invoke(() -> timer = vertx.setPeriodic(intervalMillis, id -> checkQuietly()))
        .replaceWithVoid();
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * Reads (or creates) the token and re-drives when it changed, unless the relay already did; emits
   * 1 when it re-drove.
   */
  public Uni<Integer> check() {
    return currentEpoch()
        .chain(
            epoch -> {
              if (epoch.equals(lastSeen)) {
                return Uni.createFrom().item(0);
              }
              return relay
                  .recordedCount(pool)
                  .chain(
                      recorded ->
                          relay
                              .publishCount()
                              .chain(
                                  count ->
                                      pool.preparedQuery(redriveSql)
                                          .execute(Tuple.of(epoch, count, recorded))))
                  .map(
                      rows -> {
                        lastSeen = epoch;
                        if (rows.rowCount() > 0) {
                          LOG.warnf("Redis lost its data (epoch %s): re-driving the outbox", epoch);
                          relay.kick();
                        }
                        return rows.rowCount();
                      });
            });
  }

  private void checkQuietly() {
    check()
        .subscribe()
        .with(n -> {}, err -> LOG.debugf("epoch check failed: %s", err.getMessage()));
  }

  private Uni<String> currentEpoch() {
    Request set = Request.cmd(Command.SET).arg(Streams.EPOCH_KEY).arg(Ids.random(24)).arg("NX");
    Request get = Request.cmd(Command.GET).arg(Streams.EPOCH_KEY);
    return redis.batch(java.util.List.of(set, get)).map(replies -> text(replies.get(1)));
  }

  private static String text(Response r) {
    return r == null ? "" : r.toString();
  }
}
