package io.paystream.shared.time;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;

/**
 * The time by PostgreSQL's clock, which every instance of a service reads alike. Times that
 * instances compare with each other's through the database (a lease's end, a due time) are taken
 * from it, so that an instance whose own clock runs ahead neither takes over a lease another still
 * holds nor finds work due early, and one whose clock runs behind does not leave it waiting.
 *
 * <p>The database's clock is read now and then ({@link #read}); in between, the time is carried on
 * from the last reading by the monotonic clock, which a step of the system clock (NTP, a virtual
 * machine resumed) does not move. A reading is placed halfway through its round trip, so it is off
 * by at most half of that: one whose round trip was much longer than the last kept one's is
 * dropped, as is any of more than {@link #MAX_ROUND_TRIP_MILLIS}. Until the first reading the wall
 * clock stands in.
 */
public final class DatabaseClock {
  private static final Logger LOG = Logger.getLogger(DatabaseClock.class);

  /** How often {@link #readEvery} reads the database's clock. */
  static final long READ_EVERY_MILLIS = 30_000;

  /** How often it tries while no reading has been kept. */
  private static final long RETRY_MILLIS = 1_000;

  /** The longest round trip of a reading that is kept. */
  static final long MAX_ROUND_TRIP_MILLIS = 1_000;

  /** A reading this old is replaced by the next one kept, whatever its round trip. */
  private static final long STALE_NANOS = 600_000_000_000L;

  /** Statements per reading. */
  static final int SAMPLES = 3;

  private static final long SLACK_NANOS = 20_000_000L;
  private static final String SQL = "SELECT (extract(epoch FROM clock_timestamp()) * 1e6)::int8";

  private final Pool pool;
  private volatile Reading reading;
  private volatile long lastTried = System.nanoTime();

  /** The database's time in microseconds at {@code nanos} on the monotonic clock. */
  private record Reading(long epochMicros, long nanos, long roundTripNanos) {}

  public DatabaseClock(Pool pool) {
    this.pool = pool;
  }

  /** The time now by the database's clock (microseconds), or by the wall clock until first read. */
  public Instant now() {
    Reading r = reading;
    if (r == null) {
      return Timestamps.now();
    }
    long micros = r.epochMicros() + (System.nanoTime() - r.nanos()) / 1_000;
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** {@link #now} in milliseconds since the epoch. */
  public long millis() {
    return now().toEpochMilli();
  }

  /** Whether the database's clock has been read. */
  public boolean isRead() {
    return reading != null;
  }

  /**
   * Reads the database's clock now and every 30 s among {@code chores}, so that the monotonic
   * clock's drift never adds up; until a first reading is kept (the database down or too slow at
   * start), every second. A failed reading leaves the last one in use.
   */
  public void readEvery(Chores chores) {
    chores.every(
        RETRY_MILLIS,
        "reading the database's clock",
        () -> {
          long now = System.nanoTime();
          if (reading != null && now - lastTried < READ_EVERY_MILLIS * 1_000_000) {
            return Uni.createFrom().voidItem();
          }
          lastTried = now;
          return read();
        });
    read().subscribe().with(ok -> {}, e -> LOG.debugf("reading the database's clock: %s", e));
  }

  /**
   * Reads the database's clock unless it has been read already; fails when no reading could be
   * kept, so that what must not go by the wall clock waits for a reading.
   */
  public Uni<Void> readOnce() {
    if (reading != null) {
      return Uni.createFrom().voidItem();
    }
    return read()
        .invoke(
            () -> {
              if (reading == null) {
                throw new IllegalStateException(
                    "the database's clock answered too slowly to be read (over "
                        + MAX_ROUND_TRIP_MILLIS
                        + " ms)");
              }
            });
  }

  /**
   * Waits, holding no thread, until {@code epochMillis} by the database's clock; first reads it if
   * it has not been read yet ({@link #readOnce}), so that the wait never goes by this instance's
   * own clock. A time already past emits at once.
   */
  public Uni<Void> until(Vertx vertx, long epochMillis) {
    return readOnce().chain(() -> Delays.after(vertx, epochMillis - millis()));
  }

  /**
   * Reads the database's clock; fails as its statements do. It is read {@link #SAMPLES} times on
   * one connection, and the reading of the shortest round trip is the one taken: only the
   * statements are timed, not the wait for a connection or a new one's setup, and the first
   * statement of a process pays for its loading classes, which would place its reading wrong.
   */
  public Uni<Void> read() {
    return pool.withConnection(
        c -> {
          long[] best = {0, 0, Long.MAX_VALUE};
          Uni<Void> reads = Uni.createFrom().voidItem();
          for (int i = 0; i < SAMPLES; i++) {
            reads = reads.chain(() -> sample(c, best));
          }
          return reads.invoke(() -> keep(best[0], best[1], best[2]));
        });
  }

  private static Uni<Void> sample(SqlConnection c, long[] best) {
    long sent = System.nanoTime();
    return c.query(SQL)
        .execute()
        .map(
            rows -> {
              long roundTrip = System.nanoTime() - sent;
              if (roundTrip < best[2]) {
                best[0] = rows.iterator().next().getLong(0);
                best[1] = sent + roundTrip / 2;
                best[2] = roundTrip;
              }
              return null;
            });
  }

  /**
   * Takes a reading of the database's time ({@code epochMicros}) placed at {@code nanos} on the
   * monotonic clock, unless its round trip makes it worse than the one kept.
   */
  synchronized void keep(long epochMicros, long nanos, long roundTripNanos) {
    Reading next = new Reading(epochMicros, nanos, roundTripNanos);
    Reading last = reading;
    if (next.roundTripNanos() > MAX_ROUND_TRIP_MILLIS * 1_000_000) {
      return;
    }
    if (last == null
        || next.roundTripNanos() <= 2 * last.roundTripNanos() + SLACK_NANOS
        || next.nanos() - last.nanos() > STALE_NANOS) {
      reading = next;
    }
  }
}
