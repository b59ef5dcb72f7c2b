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
 * statement marks every row published within the retention window unpublished again, so the relay
 * sends it once more. With several instances exactly one wins that statement.
 *
 * <p>The relay notices the same loss on its own, by its publish counter ({@link OutboxRelay}),
 * often first: once it has re-driven, the cursor records a count no higher than Redis' counter, and
 * the watch then only remembers the new token. Re-driving a second time would send every retained
 * row twice more.
 */
public final class RedisEpochWatch {
  private static final Logger LOG = Logger.getLogger(RedisEpochWatch.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final OutboxRelay relay;
  private final String redriveSql;
  private final String sequenceKey;
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
            // Not re-driven yet since the loss: the cursor was moved past batches Redis lost
            // (or, from before the counter, past rows without one).
            + " AND (last_sequence > $2 OR (last_sequence = 0 AND last_id > 0))";
    this.sequenceKey = Streams.relaySequenceKey(relayOptions.table());
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
            now -> {
              String epoch = now.epoch();
              if (epoch.equals(lastSeen)) {
                return Uni.createFrom().item(0);
              }
              return pool.preparedQuery(redriveSql)
                  .execute(Tuple.of(epoch, now.sequence()))
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

  /** The token, and the relay's publish counter read with it. */
  private record Now(String epoch, long sequence) {}

  private Uni<Now> currentEpoch() {
    Request set = Request.cmd(Command.SET).arg(Streams.EPOCH_KEY).arg(Ids.random(24)).arg("NX");
    Request get = Request.cmd(Command.GET).arg(Streams.EPOCH_KEY);
    Request sequence = Request.cmd(Command.GET).arg(sequenceKey);
    return redis
        .batch(java.util.List.of(set, get, sequence))
        .map(replies -> new Now(text(replies.get(1)), number(replies.get(2))));
  }

  private static String text(Response r) {
    return r == null ? "" : r.toString();
  }

  private static long number(Response r) {
    return r == null ? 0 : r.toLong();
  }
}
