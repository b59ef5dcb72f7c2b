package io.paystream.shared.time;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.TestDatabases;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DatabaseClockTest {
  private static final long MS = 1_000_000;
  private static final Instant Y2K = Instant.parse("2000-01-01T00:00:00Z");

  private final Vertx vertx = Vertx.vertx();
  private final Pool pool = TestDatabases.pool(vertx, "postgres", 1);
  private final DatabaseClock clock = new DatabaseClock(pool);

  @AfterEach
  void close() {
    pool.closeAndAwait();
    vertx.closeAndAwait();
  }

  @Test
  void aReadingTellsTheTimeByTheDatabasesClock() {
    assertFalse(clock.isRead());
    clock.read().await().atMost(Duration.ofSeconds(10));
    assertTrue(clock.isRead());
    for (int i = 0; i < 20; i++) {
      Instant before = clock.now();
      OffsetDateTime database =
          pool.query("SELECT clock_timestamp()")
              .execute()
              .await()
              .atMost(Duration.ofSeconds(10))
              .iterator()
              .next()
              .getOffsetDateTime(0);
      Instant after = clock.now();
      Instant at = database.toInstant();
      // Off by half the kept reading's round trip at most: milliseconds, unless the machine stalls.
      assertTrue(
          !at.isBefore(before.minusMillis(30)) && !at.isAfter(after.plusMillis(30)),
          "the database's " + at + " between " + before + " and " + after);
    }
  }

  @Test
  void aWaitUntilATimeGoesByTheDatabasesClock() {
    // The database's clock says 2000: a time 300 ms later by it is long past by this machine's.
    clock.keep(micros(Y2K), System.nanoTime(), MS);
    long start = System.nanoTime();
    clock.until(vertx, Y2K.toEpochMilli() + 300).await().atMost(Duration.ofSeconds(5));
    long waited = (System.nanoTime() - start) / MS;
    assertTrue(waited >= 250 && waited < 2_000, "waited " + waited + " ms");
    // The database's clock an hour ahead: ten minutes from now by this machine's is past by it.
    Instant ahead = Instant.now().plus(Duration.ofHours(1));
    clock.keep(micros(ahead), System.nanoTime(), MS);
    start = System.nanoTime();
    clock
        .until(vertx, Instant.now().plus(Duration.ofMinutes(10)).toEpochMilli())
        .await()
        .atMost(Duration.ofSeconds(5));
    waited = (System.nanoTime() - start) / MS;
    assertTrue(waited < 100, "waited " + waited + " ms");
  }

  @Test
  void betweenReadingsTheTimeIsCarriedOnByTheMonotonicClock() throws Exception {
    clock.keep(micros(Y2K), System.nanoTime(), MS);
    Thread.sleep(200);
    Duration since = Duration.between(Y2K, clock.now());
    assertTrue(
        since.compareTo(Duration.ofMillis(200)) >= 0 && since.compareTo(Duration.ofSeconds(2)) < 0,
        "200 ms after the reading: " + since);
  }

  @Test
  void aReadingWhoseRoundTripWasMuchLongerThanTheKeptOnesIsDropped() {
    long now = System.nanoTime();
    clock.keep(micros(Y2K), now, MS);
    clock.keep(micros(Y2K.plus(Duration.ofHours(1))), now, 500 * MS);
    assertNear(Y2K, clock.now());

    // Twice the kept one's round trip and 20 ms more is taken, and becomes the one kept.
    clock.keep(micros(Y2K.plus(Duration.ofDays(1))), now, 22 * MS);
    assertNear(Y2K.plus(Duration.ofDays(1)), clock.now());
    clock.keep(micros(Y2K.plus(Duration.ofDays(2))), now, 64 * MS);
    assertNear(Y2K.plus(Duration.ofDays(2)), clock.now());
  }

  @Test
  void aReadingOfMoreThanASecondsRoundTripIsNeverKept() {
    clock.keep(micros(Y2K), System.nanoTime(), 1_001 * MS);
    assertFalse(clock.isRead());
  }

  @Test
  void aReadingTenMinutesOldIsReplacedWhateverTheNextOnesRoundTrip() {
    long now = System.nanoTime();
    clock.keep(micros(Y2K), now - Duration.ofMinutes(11).toNanos(), MS);
    clock.keep(micros(Y2K.plus(Duration.ofDays(1))), now, 900 * MS);
    assertNear(Y2K.plus(Duration.ofDays(1)), clock.now());
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static void assertNear(Instant want, Instant got) {
    assertTrue(
        Duration.between(want, got).abs().compareTo(Duration.ofSeconds(1)) < 0,
        "want about " + want + ", got " + got);
  }
}
