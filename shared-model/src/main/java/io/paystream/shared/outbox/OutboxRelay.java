package io.paystream.shared.outbox;

import io.paystream.shared.stream.RedisStreams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Publishes a service's outbox to Redis Streams after commit.
 *
 * <p>Business statements insert their events into the service's {@code outbox} table in the same
 * statement or transaction as the change (see {@link OutboxSql}); nothing writes to Redis inside a
 * business transaction. This relay claims unpublished rows with a short lease ({@code FOR UPDATE
 * SKIP LOCKED}, so several instances share the work), sends them as one pipeline of {@code XADD}s
 * and marks them published. A crash between publish and mark republishes the rows once the lease
 * ends; consumers deduplicate by event id.
 *
 * <p>Published rows are kept for {@code retention}. When Redis loses its data ({@link
 * RedisEpochWatch}), rows published within that window are marked unpublished again and go out a
 * second time: nothing accepted is lost because Redis was restarted or flushed.
 *
 * <p>Requests call {@link #kick()} after their commit for low latency; a timer kicks it too, so
 * publishing never depends on a request finishing.
 */
public final class OutboxRelay {
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

  private final Vertx vertx;
  private final Pool pool;
  private final RedisStreams streams;
  private final RelayOptions options;
  private final String claimSql;
  private final String markSql;
  private final String releaseSql;
  private final String purgeSql;
  private final String backlogSql;

  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final AtomicLong published = new AtomicLong();
  private volatile long lastSuccessAt = System.currentTimeMillis();
  private volatile int failuresInRow;
  private volatile long pollTimer = -1;
  private volatile long purgeTimer = -1;

  public OutboxRelay(Vertx vertx, Pool pool, RedisStreams streams, RelayOptions options) {
    this.vertx = vertx;
    this.pool = pool;
    this.streams = streams;
    this.options = options;
    String t = options.table();
    this.claimSql =
        "UPDATE "
            + t
            + " SET lease_until = now() + $2 * interval '1 millisecond' WHERE id IN ("
            + "SELECT id FROM "
            + t
            + " WHERE published_at IS NULL AND (lease_until IS NULL OR lease_until < now())"
            + " ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id, stream, payload";
    this.markSql =
        "UPDATE " + t + " SET published_at = now(), lease_until = NULL WHERE id = ANY($1)";
    this.releaseSql = "UPDATE " + t + " SET lease_until = NULL WHERE id = ANY($1)";
    this.purgeSql =
        "DELETE FROM "
            + t
            + " WHERE id IN (SELECT id FROM "
            + t
            + " WHERE published_at < now() - $1 * interval '1 millisecond' LIMIT 10000)";
    this.backlogSql = "SELECT count(*) FROM " + t + " WHERE published_at IS NULL";
  }

  /** Starts publishing, and purging published rows past their retention. */
  public void start() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    pollTimer = vertx.setPeriodic(options.pollIntervalMillis(), id -> kick());
    purgeTimer = vertx.setPeriodic(60_000, id -> purge());
    kick();
  }

  public void stop() {
    running.set(false);
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    if (purgeTimer >= 0) {
      vertx.cancelTimer(purgeTimer);
    }
  }

  /** Publishes soon: call after committing rows to the outbox. Never fails, never blocks. */
  public void kick() {
    if (!running.get()) {
      return;
    }
    again.set(true);
    if (busy.compareAndSet(false, true)) {
      cycle();
    }
  }

  /** Whether the relay has published (or found nothing to publish) recently. */
  public boolean isHealthy() {
    return running.get() && failuresInRow < 5;
  }

  /** Rows published by this instance since it started. */
  public long publishedCount() {
    return published.get();
  }

  /** Rows not yet published. */
  public Uni<Long> backlog() {
    return pool.query(backlogSql).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  private void cycle() {
    again.set(false);
    publishBatch()
        .subscribe()
        .with(
            count -> {
              failuresInRow = 0;
              lastSuccessAt = System.currentTimeMillis();
              if (count >= options.batchSize() || again.get()) {
                cycle();
              } else {
                idle();
              }
            },
            err -> {
              int failures = ++failuresInRow;
              if (failures == 1 || failures % 30 == 0) {
                LOG.warnf(
                    "outbox %s: publishing failed (%d in a row), retrying: %s",
                    options.table(), failures, err.getMessage());
              }
              vertx.setTimer(Math.min(2_000L, 100L << Math.min(failures, 5)), id -> idleThenKick());
            });
  }

  private void idle() {
    busy.set(false);
    if (again.get() && busy.compareAndSet(false, true)) {
      cycle();
    }
  }

  private void idleThenKick() {
    busy.set(false);
    kick();
  }

  /** Claims, publishes and marks one batch; emits how many rows it published. */
  Uni<Integer> publishBatch() {
    return pool.preparedQuery(claimSql)
        .execute(Tuple.of(options.batchSize(), options.leaseMillis()))
        .chain(this::publish);
  }

  private Uni<Integer> publish(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Uni.createFrom().item(0);
    }
    List<Long> ids = new ArrayList<>(rows.size());
    List<Row> ordered = new ArrayList<>(rows.size());
    rows.forEach(ordered::add);
    ordered.sort((a, b) -> Long.compare(a.getLong("id"), b.getLong("id")));
    List<Request> adds = new ArrayList<>(ordered.size());
    for (Row row : ordered) {
      ids.add(row.getLong("id"));
      String stream = row.getString("stream");
      adds.add(RedisStreams.xadd(stream, options.maxLen(stream), row.getString("payload")));
    }
    Long[] idArray = ids.toArray(Long[]::new);
    return streams
        .batch(adds)
        .onFailure()
        .call(
            err ->
                pool.preparedQuery(releaseSql)
                    .execute(Tuple.of(idArray))
                    .onFailure()
                    .recoverWithNull())
        .chain(() -> pool.preparedQuery(markSql).execute(Tuple.of(idArray)))
        .map(
            done -> {
              published.addAndGet(idArray.length);
              return idArray.length;
            });
  }

  private void purge() {
    pool.preparedQuery(purgeSql)
        .execute(Tuple.of(options.retentionMillis()))
        .subscribe()
        .with(
            rows -> {
              if (rows.rowCount() > 0) {
                LOG.debugf("outbox %s: purged %d published rows", options.table(), rows.rowCount());
              }
            },
            err -> LOG.debugf("outbox %s: purge failed: %s", options.table(), err.getMessage()));
  }

  /** When the relay last completed a cycle without error (epoch millis). */
  public long lastSuccessAt() {
    return lastSuccessAt;
  }
}
