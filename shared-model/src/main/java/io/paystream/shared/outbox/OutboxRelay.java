package io.paystream.shared.outbox;

import io.paystream.shared.outbox.PublishedRun.Position;
import io.paystream.shared.sql.AsyncCommit;
import io.paystream.shared.sql.Purge;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.RedisStreams.Acknowledged;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Chores;
import io.paystream.shared.time.Monotonic;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Publishes a service's outbox to Redis Streams after commit.
 *
 * <p>Business statements append one row to the service's {@code outbox} table in the same statement
 * as their change: the events of that change, in order, as arrays of streams and payloads, stamped
 * with the writing transaction's id ({@code txid xid8}). Nothing writes to Redis inside a business
 * transaction, and nothing ever updates an outbox row.
 *
 * <p>The relay reads rows in {@code (txid, id)} order past a cursor ({@code outbox_cursor}), but
 * only rows whose transaction is older than the oldest transaction still running ({@code
 * pg_snapshot_xmin(pg_current_snapshot())}): every transaction below that mark has ended, so no row
 * can later appear behind the cursor. It sends them as one pipeline of {@code XADD}s and moves the
 * cursor, once per batch, with a compare-and-set (a re-drive that reset the cursor meanwhile wins).
 * A crash between publish and cursor move publishes the batch again; consumers deduplicate by event
 * id. For the same reason cursor moves are committed asynchronously (no WAL flush of their own):
 * one lost to a database crash costs a re-publish, never an event.
 *
 * <p>One instance of a service publishes at a time: the one holding a PostgreSQL advisory lock on
 * its relay connection. When it dies its connection closes, the lock goes with it, and another
 * instance takes over within a second.
 *
 * <p>Rows are kept for {@code retention}. When Redis loses its data, {@link RedisEpochWatch} moves
 * the cursor back and what is retained goes out again, from the last row every reader was seen to
 * have finished: every {@value #ACKNOWLEDGED_CHECK_MILLIS} ms, right after a batch (or a quiet
 * cycle's counter check), the lead reads how far every consumer group of each stream it published
 * to has acknowledged it ({@link RedisStreams#acknowledgedRequest}: consumers acknowledge after
 * their own commit, so what they acknowledged is in force in their databases), and records the
 * position of the last batch whose entries, and all before them, every group has acknowledged
 * ({@code acked_txid}, {@code acked_id} beside the cursor). It stays put while a known reader of a
 * stream has no group (it would read the stream from its start), while an entry sits in the
 * dead-letter stream (given up on, it gets another chance from a re-drive), and across anything
 * that breaks the run of batches it relies on ({@link PublishedRun}): what it records is always
 * finished everywhere, never more. A re-drive after a loss then sends what was not finished
 * everywhere (normally the last seconds) instead of up to a day, and that is all readers have to
 * read again before they are up to date.
 *
 * <p>Redis can also lose only its latest writes and keep the rest, token included (a failover to a
 * replica that was behind, a crash with the last second of its append-only file unwritten). So each
 * batch ends with an {@code INCR} of a counter of this outbox, in the same pipeline after its
 * {@code XADD}s (each pipeline, for a batch too long for one: the counts must follow one another).
 * The cursor keeps the counter of the batch it was moved past ({@code last_sequence}, read with
 * each batch; one moved back by a re-drive first gets one, see {@link #prime}): a counter that
 * comes back no higher than that means Redis went back in time, whichever instance saw it last, and
 * the relay moves the cursor back instead of forward. The lead also compares the two when a cycle
 * finds nothing to publish (at most every {@value #SEQUENCE_CHECK_MILLIS} ms, and first thing after
 * taking the lead): so the loss is noticed too when nothing more is published. Requests call {@link
 * #kick()} after their commit for low latency; a timer polls too, so publishing never depends on a
 * request. Cycles start at least {@value #MIN_CYCLE_GAP_MILLIS} ms apart, so that under load one
 * carries many commits.
 */
public final class OutboxRelay {
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

  /** After a kick, rows may wait for earlier transactions to end: look again for this long. */
  private static final long KICK_WINDOW_MILLIS = 100;

  /**
   * The least time between the starts of two cycles. Under load a cycle would otherwise follow
   * every commit, each a read, a Redis round trip and a cursor move for a row or two; spaced out,
   * one cycle publishes what a few milliseconds of commits wrote. A kick after a quiet spell
   * publishes at once.
   */
  static final long MIN_CYCLE_GAP_MILLIS = 5;

  /** Seconds of silence on the lead's connection before the server probes the lead's machine. */
  static final int LEAD_KEEPALIVE_IDLE_SECONDS = 10;

  /** How often the lead trims the streams it publishes to (see {@link #trim}). */
  static final long TRIM_INTERVAL_MILLIS = 10_000;

  /** How often, at most, a quiet lead checks that Redis still holds what the cursor records. */
  static final long SEQUENCE_CHECK_MILLIS = 1_000;

  /**
   * How often, at most, the lead reads how far the readers of its streams have acknowledged them,
   * and records the outbox position they have all reached (see {@link #rewindSql}).
   */
  static final long ACKNOWLEDGED_CHECK_MILLIS = 10_000;

  /** How long a measure of the oldest waiting event stays current for the metrics. */
  private static final long SAMPLE_FRESH_MILLIS = 30_000;

  private final Vertx vertx;
  private final Chores chores;
  private final Pool pool;
  private final RedisStreams streams;
  private final RelayOptions options;
  private final String lockSql;
  private final String readSql;
  private final String advanceSql;
  private final String purgeSql;
  private final String backlogSql;
  private final String rewindSql;
  private final String waitingSql;
  private final String recordedSequenceSql;
  private final String acknowledgedSql;
  private final String primeSql;
  private final String sequenceKey;
  private final PublishedRun run = new PublishedRun();

  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final AtomicLong publishedRows = new AtomicLong();
  private final Set<String> publishedTo = ConcurrentHashMap.newKeySet();
  private final AtomicLong cycles = new AtomicLong();
  private final AtomicLong acknowledgedChecks = new AtomicLong();
  private volatile SqlConnection leader;
  // Monotonic.millis() values; "long ago" until set (its origin is arbitrary, maybe negative).
  private volatile long lastKickAt = Long.MIN_VALUE / 2;
  private volatile long lastCycleAt = Long.MIN_VALUE / 2;
  private volatile long lastStepAt = Monotonic.millis();
  private volatile long sampledWaitingMillis;
  private volatile long sampledUnacknowledgedMillis;
  private volatile long sampledAt = Long.MIN_VALUE / 2;
  private volatile int failuresInRow;
  private volatile long pollTimer = -1;
  private volatile long sequenceCheckedAt = Long.MIN_VALUE / 2;
  private volatile long acknowledgedCheckedAt = Long.MIN_VALUE / 2;

  public OutboxRelay(Vertx vertx, Pool pool, RedisStreams streams, RelayOptions options) {
    this.vertx = vertx;
    this.chores = new Chores(vertx);
    this.pool = pool;
    this.streams = streams;
    this.options = options;
    String t = options.table();
    String cursor = options.cursorTable();
    // The lead's session, which may sit idle between cycles, is checked by the server with TCP
    // keepalives: when the lead's machine dies or is cut off (no FIN, no RST), the server ends the
    // session, and with it the lock, within about half a minute instead of the system's default of
    // over two hours, during which nobody would publish. Ignored on a Unix socket.
    this.lockSql =
        "SELECT set_config('tcp_keepalives_idle', '"
            + LEAD_KEEPALIVE_IDLE_SECONDS
            + "', false), set_config('tcp_keepalives_interval', '5', false),"
            + " set_config('tcp_keepalives_count', '3', false),"
            + " set_config('tcp_user_timeout', '30000', false),"
            + " pg_try_advisory_lock(hashtext('"
            + t
            + "')) AS locked";
    // The cursor as scalar sub-selects, so that the row comparison is an index range scan.
    String from = "((SELECT last_txid FROM " + cursor + "), (SELECT last_id FROM " + cursor + "))";
    this.readSql =
        "SELECT o.id, o.txid::text AS txid, o.streams, o.payloads, (SELECT last_txid::text FROM "
            + cursor
            + ") AS from_txid, (SELECT last_id FROM "
            + cursor
            + ") AS from_id, (SELECT last_sequence FROM "
            + cursor
            + ") AS from_sequence FROM "
            + t
            + " o WHERE (o.txid, o.id) > "
            + from
            + " AND o.txid < pg_snapshot_xmin(pg_current_snapshot())"
            + " ORDER BY o.txid, o.id LIMIT $1";
    // A cursor move commits without waiting for the WAL flush: one lost to a database crash only
    // publishes its batch again, which consumers deduplicate.
    this.advanceSql =
        "WITH "
            + AsyncCommit.CTE
            + " UPDATE "
            + cursor
            + " SET last_txid = $1::text::xid8, last_id = $2, last_sequence = $5 FROM "
            + AsyncCommit.NAME
            + " WHERE last_txid = $3::text::xid8 AND last_id = $4";
    // The oldest published rows, in commit order along its index, of which those past retention
    // go: a purge reads at most a batch, where a filter on created_at (which has no index) read
    // every published row each minute while none was old enough (0.4 s for a million rows).
    this.purgeSql =
        "DELETE FROM "
            + t
            + " WHERE id IN (SELECT h.id FROM (SELECT o.id, o.created_at FROM "
            + t
            + " o WHERE (o.txid, o.id) <= "
            + from
            + " ORDER BY o.txid, o.id LIMIT "
            + Purge.BATCH
            + ") h WHERE h.created_at < now() - $1 * interval '1 millisecond')";
    this.backlogSql = "SELECT count(*) FROM " + t + " o WHERE (o.txid, o.id) > " + from;
    this.rewindSql = rewindSql(cursor);
    // The next row to publish, and the first some reader has not acknowledged, along the
    // commit-order index (not min(created_at), which read the whole backlog twice a second while
    // it was large).
    String acked =
        "((SELECT acked_txid FROM " + cursor + "), (SELECT acked_id FROM " + cursor + "))";
    this.waitingSql = "SELECT " + ageOfFirstRowAfter(t, from) + ", " + ageOfFirstRowAfter(t, acked);
    this.recordedSequenceSql = "SELECT last_sequence FROM " + cursor;
    // Forward only, and never past the cursor (a re-drive may have moved it back meanwhile). Lost
    // to a database crash, a move only makes a later re-drive send more again.
    this.acknowledgedSql =
        "WITH "
            + AsyncCommit.CTE
            + " UPDATE "
            + cursor
            + " SET acked_txid = $1::text::xid8, acked_id = $2 FROM "
            + AsyncCommit.NAME
            + " WHERE (acked_txid, acked_id) < ($1::text::xid8, $2)"
            + " AND ($1::text::xid8, $2) <= (last_txid, last_id)";
    this.primeSql =
        "UPDATE "
            + cursor
            + " SET last_sequence = $1 WHERE last_sequence = 0"
            + " AND last_txid = $2::text::xid8 AND last_id = $3";
    this.sequenceKey = Streams.relaySequenceKey(t);
  }

  /** How long the first row of {@code table} past {@code position} has waited, in ms (none: 0). */
  private static String ageOfFirstRowAfter(String table, String position) {
    return "COALESCE((extract(epoch FROM clock_timestamp() - (SELECT o.created_at FROM "
        + table
        + " o WHERE (o.txid, o.id) > "
        + position
        + " ORDER BY o.txid, o.id LIMIT 1)) * 1000)::bigint, 0)";
  }

  /** Starts publishing (once this instance holds the lead), and purging rows past retention. */
  public void start() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    pollTimer = vertx.setPeriodic(options.pollIntervalMillis(), id -> kickQuietly());
    chores.every(60_000, "outbox purge", this::purgeLogged);
    chores.every(
        TRIM_INTERVAL_MILLIS,
        "outbox trim",
        () -> leader == null ? Uni.createFrom().voidItem() : trim());
    kick();
  }

  /** Stops publishing and gives up the lead, at once or as the batch under way ends. */
  public void stop() {
    running.set(false);
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    chores.cancel();
    // A cycle under way still uses the lead's connection: it gives the lead back when it ends.
    if (busy.compareAndSet(false, true)) {
      resign();
      busy.set(false);
    }
  }

  /** Publishes soon: call after committing rows to the outbox. Never fails, never blocks. */
  public void kick() {
    lastKickAt = Monotonic.millis();
    kickQuietly();
  }

  private void kickQuietly() {
    if (!running.get()) {
      return;
    }
    again.set(true);
    if (busy.compareAndSet(false, true)) {
      paced();
    }
  }

  /** Runs a cycle once {@value #MIN_CYCLE_GAP_MILLIS} ms have passed since the last one began. */
  private void paced() {
    long wait = lastCycleAt + MIN_CYCLE_GAP_MILLIS - Monotonic.millis();
    if (wait <= 0) {
      cycle();
    } else {
      vertx.setTimer(wait, id -> cycle());
    }
  }

  /** Whether the relay works: it leads and publishes, or stands by with the database reachable. */
  public boolean isHealthy() {
    return running.get() && failuresInRow < 5;
  }

  /** Whether this instance is the one publishing. */
  public boolean isLeader() {
    return leader != null;
  }

  /** Outbox rows published by this instance since it started. */
  public long publishedCount() {
    return publishedRows.get();
  }

  /** Cycles run (read, publish, cursor move) since the relay started. */
  long cycleCount() {
    return cycles.get();
  }

  /**
   * How long the next row to publish (the first not yet published, in commit order) has waited, in
   * milliseconds (0 when none waits). Normally a few; seconds mean publishing is held back (by a
   * long transaction anywhere in the cluster, say), and readers of these events cannot tell what
   * they have not received yet. Measures {@link #lastUnacknowledgedSeconds} in the same statement.
   */
  public Uni<Long> oldestWaitingMillis() {
    return pool.query(waitingSql)
        .execute()
        .map(
            rows -> {
              Row row = rows.iterator().next();
              sampledWaitingMillis = row.getLong(0);
              sampledUnacknowledgedMillis = row.getLong(1);
              sampledAt = Monotonic.millis();
              return sampledWaitingMillis;
            });
  }

  /**
   * {@link #oldestWaitingMillis} as last measured, in seconds; NaN when it has not been measured in
   * the last 30 s (the database unreachable, say), so that a stale figure never looks like news.
   */
  public double lastOldestWaitingSeconds() {
    return Monotonic.millis() - sampledAt > SAMPLE_FRESH_MILLIS
        ? Double.NaN
        : sampledWaitingMillis / 1000.0;
  }

  /**
   * How long the oldest event that some reader has not acknowledged (as the lead last recorded) has
   * waited, as last measured with {@link #oldestWaitingMillis}, in seconds; NaN when not measured
   * in the last 30 s. It is how far back a re-drive would go if Redis lost its data now: normally
   * tens of seconds; hours mean something holds it back (a known reader without a consumer group, a
   * group that no longer reads, copies in a dead-letter stream).
   */
  public double lastUnacknowledgedSeconds() {
    return Monotonic.millis() - sampledAt > SAMPLE_FRESH_MILLIS
        ? Double.NaN
        : sampledUnacknowledgedMillis / 1000.0;
  }

  /** Rows not yet published. */
  public Uni<Long> backlog() {
    return pool.query(backlogSql).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * How long the relay has gone without beginning or ending a cycle while it had work under way (0
   * when idle). A cycle that has been under way for minutes has wedged (a statement that never
   * returns).
   */
  public long millisSinceLastStep() {
    return busy.get() ? Monotonic.millis() - lastStepAt : 0;
  }

  private void cycle() {
    if (!running.get()) {
      // Stopped while a cycle was under way or due: its follow-ups end here, lead given back.
      resign();
      busy.set(false);
      return;
    }
    again.set(false);
    lastCycleAt = Monotonic.millis();
    lastStepAt = lastCycleAt;
    cycles.incrementAndGet();
    lead()
        .chain(leads -> leads && running.get() ? publishBatch() : Uni.createFrom().item(0))
        .subscribe()
        .with(
            count -> {
              lastStepAt = Monotonic.millis();
              if (!running.get()) {
                cycle();
                return;
              }
              failuresInRow = 0;
              if (count >= options.batchSize()) {
                cycle();
              } else if ((count > 0 && again.get())
                  || (leader != null && Monotonic.millis() - lastKickAt < KICK_WINDOW_MILLIS)) {
                // More was committed, or, just kicked, the new rows may be waiting for earlier
                // transactions to end.
                paced();
              } else {
                idle();
              }
            },
            err -> {
              lastStepAt = Monotonic.millis();
              int failures = ++failuresInRow;
              if (failures == 1 || failures % 30 == 0) {
                LOG.warnf(
                    "outbox %s: publishing failed (%d in a row), retrying: %s",
                    options.table(), failures, err.getMessage());
              }
              resign();
              vertx.setTimer(Math.min(2_000L, 100L << Math.min(failures, 5)), id -> retry());
            });
  }

  private void idle() {
    busy.set(false);
    if ((again.get() || !running.get()) && busy.compareAndSet(false, true)) {
      paced();
    }
  }

  private void retry() {
    busy.set(false);
    kickQuietly();
  }

  /** Takes the lead when nobody holds it; emits whether this instance leads. */
  private Uni<Boolean> lead() {
    if (leader != null) {
      return Uni.createFrom().item(true);
    }
    return pool.getConnection()
        .invoke(
            // The lead's connection is held between cycles: a failure that reaches it while idle
            // (the server shutting down, say) is the next cycle's to handle, which gives up the
            // lead. Without a handler the client would print the failure's stack trace.
            conn ->
                conn.exceptionHandler(
                    err ->
                        LOG.debugf(
                            "outbox %s: the lead's connection failed: %s",
                            options.table(), err.getMessage())))
        .chain(
            conn ->
                conn.query(lockSql)
                    .execute()
                    .map(rows -> rows.iterator().next().getBoolean("locked"))
                    .onFailure()
                    .call(conn::close)
                    .call(
                        locked -> {
                          if (locked) {
                            leader = conn;
                            sequenceCheckedAt = Long.MIN_VALUE / 2; // check at the first chance
                            LOG.infof("outbox %s: this instance publishes now", options.table());
                            return Uni.createFrom().voidItem();
                          }
                          return conn.close();
                        }));
  }

  /** A setting of the lead's session, as the server sees it; {@code null} when not leading. */
  Uni<String> leadSetting(String name) {
    SqlConnection conn = leader;
    if (conn == null) {
      return Uni.createFrom().nullItem();
    }
    return conn.preparedQuery("SELECT current_setting($1)")
        .execute(Tuple.of(name))
        .map(rows -> rows.iterator().next().getString(0));
  }

  /** Gives the lead (and its connection) back, e.g. after the connection failed. */
  private void resign() {
    SqlConnection conn = leader;
    leader = null;
    run.clear();
    if (conn != null) {
      // Unlocking on a broken connection fails; the server ended that session and its lock.
      conn.query("SELECT pg_advisory_unlock_all()")
          .execute()
          .onItemOrFailure()
          .call(conn::close)
          .subscribe()
          .with(ok -> {}, err -> {});
    }
  }

  /** Reads, publishes and records one batch; emits how many rows it published. */
  Uni<Integer> publishBatch() {
    SqlConnection conn = leader;
    if (conn == null) {
      return Uni.createFrom().item(0);
    }
    return conn.preparedQuery(readSql)
        .execute(Tuple.of(options.batchSize()))
        .chain(rows -> publish(conn, rows));
  }

  private Uni<Integer> publish(SqlConnection conn, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return checkSequence(conn).replaceWith(0);
    }
    Row first = rows.iterator().next();
    Position from = new Position(first.getString("from_txid"), first.getLong("from_id"));
    List<Request> adds = new ArrayList<>(rows.size() * 2);
    List<String> addedTo = new ArrayList<>(rows.size() * 2);
    Row last = null;
    for (Row row : rows) {
      String[] toStreams = row.getArrayOfStrings("streams");
      String[] payloads = row.getArrayOfStrings("payloads");
      for (int i = 0; i < toStreams.length; i++) {
        adds.add(RedisStreams.xadd(toStreams[i], payloads[i]));
        addedTo.add(toStreams[i]);
        publishedTo.add(toStreams[i]);
      }
      last = row;
    }
    Position end = new Position(last.getString("txid"), last.getLong("id"));
    int count = rows.size();
    // The counter of the batch the cursor was last moved past, by whichever instance led then.
    long recorded = first.getLong("from_sequence");
    boolean starts = !run.continuesFrom(from);
    return (recorded > 0 ? Uni.createFrom().item(recorded) : prime(conn, from))
        .chain(
            before ->
                (starts ? barrier() : Uni.createFrom().item(Map.<String, String>of()))
                    .chain(
                        barrier ->
                            streams
                                .batchCounted(adds, sequenceKey)
                                .chain(
                                    counted ->
                                        advance(
                                            conn, before, from, end, counted, addedTo, starts,
                                            barrier))))
        .map(
            done -> {
              publishedRows.addAndGet(count);
              return count;
            });
  }

  /**
   * Moves the cursor past a published batch, or back when Redis' counter shows it lost writes; then
   * carries on the run, or starts one from {@code barrier} ({@code null}: it could not be read, and
   * no run starts).
   */
  private Uni<Void> advance(
      SqlConnection conn,
      long before,
      Position from,
      Position end,
      RedisStreams.Counted counted,
      List<String> addedTo,
      boolean starts,
      Map<String, String> barrier) {
    if (!counted.unbrokenAfter(before)) {
      // Redis's publish counter went back, or did not go on by one per pipeline: it lost writes
      // (batches the cursor was moved past, or a part of this one).
      return rewind(conn);
    }
    long sequence = counted.last();
    return conn.preparedQuery(advanceSql)
        .execute(Tuple.of(end.txid(), end.id(), from.txid(), from.id()).addLong(sequence))
        .chain(
            moved -> {
              if (moved.rowCount() == 0) {
                run.clear(); // the cursor was moved back meanwhile: a re-drive
                return Uni.createFrom().voidItem();
              }
              Map<String, String> lastEntries = lastEntries(counted.replies(), addedTo);
              if (!starts) {
                run.add(end, counted.first(), sequence, lastEntries);
              } else if (barrier != null) {
                run.start(from, barrier, end, sequence, lastEntries);
              } else {
                run.clear();
              }
              return acknowledgedDue()
                  ? recordAcknowledged(conn, sequence)
                  : Uni.createFrom().voidItem();
            });
  }

  /**
   * Gives a cursor that records no publish counter (moved back by a re-drive, or never moved) one:
   * an increment of Redis' counter, recorded before anything is published. Else a loss of the whole
   * of Redis in the middle of the next batch (its first entries and the counter gone) would leave a
   * counter above the recorded 0, and go unseen. Emits the counter.
   */
  private Uni<Long> prime(SqlConnection conn, Position from) {
    return streams
        .redis()
        .send(Request.cmd(Command.INCR).arg(sequenceKey))
        .map(Response::toLong)
        .call(
            counter ->
                conn.preparedQuery(primeSql).execute(Tuple.of(counter, from.txid(), from.id())));
  }

  /**
   * The last entry of each outbox stream ({@link Streams#OUTBOX_STREAMS}; none for an empty one):
   * what came before a run. {@code null} when they cannot be read; publishing goes on without a
   * run.
   */
  private Uni<Map<String, String>> barrier() {
    List<String> barrierStreams = Streams.OUTBOX_STREAMS;
    List<Request> reads = new ArrayList<>(barrierStreams.size());
    barrierStreams.forEach(stream -> reads.add(RedisStreams.latestRequest(stream)));
    return streams
        .batch(reads)
        .map(
            replies -> {
              Map<String, String> out = new HashMap<>();
              for (int i = 0; i < barrierStreams.size(); i++) {
                String id = RedisStreams.latestId(replies.get(i));
                if (id != null) {
                  out.put(barrierStreams.get(i), id);
                }
              }
              return out;
            })
        .onFailure()
        .recoverWithItem(
            err -> {
              LOG.debugf(
                  "outbox %s: could not read where the streams end: %s",
                  options.table(), err.getMessage());
              return null;
            });
  }

  private boolean acknowledgedDue() {
    long now = Monotonic.millis();
    if (now - acknowledgedCheckedAt < ACKNOWLEDGED_CHECK_MILLIS) {
      return false;
    }
    acknowledgedCheckedAt = now;
    return true;
  }

  /** Reads how far every reader has acknowledged at the next chance (for tests). */
  void checkAcknowledgedNext() {
    acknowledgedCheckedAt = Long.MIN_VALUE / 2;
  }

  /** How many times the lead has read how far every reader has acknowledged (for tests). */
  long acknowledgedChecks() {
    return acknowledgedChecks.get();
  }

  /** The last entry each stream got in this batch. */
  private static Map<String, String> lastEntries(List<Response> replies, List<String> addedTo) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < addedTo.size(); i++) {
      out.put(addedTo.get(i), replies.get(i).toString());
    }
    return out;
  }

  /**
   * Reads how far every reader has acknowledged the streams of the run, and records the outbox
   * position up to which they all have. The lead's last batch got {@code sequence} and nothing has
   * been published since: a script that finds another counter read a Redis other than the one the
   * run's entries went to, and nothing is recorded. A failure is logged and left for the next
   * check; it never holds publishing up.
   */
  private Uni<Void> recordAcknowledged(SqlConnection conn, long sequence) {
    List<String> checked = run.streams();
    if (checked.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<Request> requests = new ArrayList<>(checked.size());
    for (String stream : checked) {
      requests.add(
          RedisStreams.acknowledgedRequest(stream, sequenceKey, Streams.readersOf(stream)));
    }
    return streams
        .batch(requests)
        .chain(
            replies -> {
              Map<String, Acknowledged> read = new HashMap<>();
              for (int i = 0; i < checked.size(); i++) {
                read.put(checked.get(i), RedisStreams.acknowledged(replies.get(i)));
              }
              Position through = run.acknowledged(sequence, read);
              acknowledgedChecks.incrementAndGet();
              return through == null
                  ? Uni.createFrom().voidItem()
                  : conn.preparedQuery(acknowledgedSql)
                      .execute(Tuple.of(through.txid(), through.id()))
                      .replaceWithVoid();
            })
        .onFailure()
        .recoverWithUni(
            err -> {
              LOG.warnf(
                  "outbox %s: could not record how far its readers have acknowledged: %s",
                  options.table(), err.getMessage());
              return Uni.createFrom().voidItem();
            });
  }

  /**
   * Moves the cursor back to where every reader had acknowledged everything ({@link #rewindSql}),
   * Redis having lost writes it had acknowledged.
   */
  private Uni<Void> rewind(SqlConnection conn) {
    LOG.warnf(
        "outbox %s: Redis lost writes it had acknowledged (its publish counter went back or"
            + " skipped):"
            + " re-driving the outbox",
        options.table());
    run.clear();
    return conn.query(rewindSql).execute().invoke(() -> again.set(true)).replaceWithVoid();
  }

  /**
   * Rewinds when Redis's publish counter is below (or without) the one the cursor records: Redis
   * lost batches the cursor was moved past. Only while nothing is being published (this is the
   * lead, between batches), at most every {@value #SEQUENCE_CHECK_MILLIS} ms. Otherwise, when due,
   * records how far every reader has acknowledged what this lead published.
   */
  private Uni<Void> checkSequence(SqlConnection conn) {
    long now = Monotonic.millis();
    if (now - sequenceCheckedAt < SEQUENCE_CHECK_MILLIS) {
      return Uni.createFrom().voidItem();
    }
    sequenceCheckedAt = now;
    return recordedCount(conn)
        .chain(
            recorded ->
                publishCount()
                    // Redis out of reach: nothing could be published now either, and a quiet
                    // relay stays healthy; the check runs again at the next quiet cycle.
                    .onFailure()
                    .recoverWithItem(Long.MAX_VALUE)
                    .chain(
                        current ->
                            current < recorded
                                ? rewind(conn)
                                : acknowledgedWhileQuiet(conn, current)));
  }

  /**
   * Reads how far every reader has acknowledged, when due, and records it: no batch is under way,
   * so the counter must still be that of this lead's last batch ({@code current}, just read).
   */
  private Uni<Void> acknowledgedWhileQuiet(SqlConnection conn, long current) {
    if (run.isEmpty() || current != run.lastSequence() || !acknowledgedDue()) {
      return Uni.createFrom().voidItem();
    }
    return recordAcknowledged(conn, current);
  }

  /** The publish counter the cursor records: that of the batch it was last moved past. */
  Uni<Long> recordedCount(SqlClient client) {
    return client
        .query(recordedSequenceSql)
        .execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Redis' publish counter of this outbox (none: 0). */
  Uni<Long> publishCount() {
    return streams
        .redis()
        .send(Request.cmd(Command.GET).arg(sequenceKey))
        .map(current -> current == null ? 0 : current.toLong());
  }

  /**
   * The statement that moves the cursor back to the last position every reader was seen to have
   * acknowledged ({@code acked_txid}, {@code acked_id}; the start until one was): everything
   * retained past it goes out again, and the counter the cursor records is none yet.
   */
  static String rewindSql(String cursorTable) {
    return "UPDATE "
        + cursorTable
        + " SET last_txid = acked_txid, last_id = acked_id, last_sequence = 0";
  }

  /**
   * Trims each stream this instance has published to down to its history, keeping every entry a
   * consumer group has not read and acknowledged yet, and all that is younger than the outbox's
   * retention while one of its known readers has no group ({@link RedisStreams#trimRead}): a
   * consumer that is down or behind finds all it missed, even when Redis lost its groups meanwhile.
   * A capped {@code XADD} would drop such entries without trace, and nothing would publish them
   * again. Emits the streams' lengths afterwards.
   */
  Uni<Map<String, Long>> trim() {
    Map<String, Long> lengths = new ConcurrentHashMap<>();
    List<Uni<Void>> trims = new ArrayList<>();
    for (String stream : publishedTo) {
      long history = options.history(stream);
      trims.add(
          streams
              .trimRead(stream, history, options.retentionMillis(), Streams.readersOf(stream))
              .invoke(
                  length -> {
                    lengths.put(stream, length);
                    if (length > 2 * history) {
                      LOG.warnf(
                          "stream %s holds %d entries, beyond its history of %d, for a reader"
                              + " that has not read them (or has no consumer group yet)",
                          stream, length, history);
                    }
                  })
              .replaceWithVoid());
    }
    return trims.isEmpty()
        ? Uni.createFrom().item(lengths)
        : Uni.join().all(trims).andCollectFailures().replaceWith(lengths);
  }

  private Uni<Long> purgeLogged() {
    return purge()
        .invoke(
            n -> {
              if (n > 0) {
                LOG.debugf("outbox %s: purged %d published rows", options.table(), n);
              }
            });
  }

  /**
   * Deletes every published row past retention, {@value Purge#BATCH} per statement, when leading;
   * emits how many.
   */
  Uni<Long> purge() {
    if (leader == null) {
      return Uni.createFrom().item(0L);
    }
    // On while a statement deletes at least half a batch: a row not yet past retention at the
    // head of the order (a database clock stepped back) holds back only itself, not the rest.
    return Purge.untilDone(
        () ->
            pool.preparedQuery(purgeSql)
                .execute(Tuple.of(options.retentionMillis()))
                .map(RowSet::rowCount),
        Purge.BATCH / 2);
  }
}
