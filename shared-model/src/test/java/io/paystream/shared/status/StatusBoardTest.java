package io.paystream.shared.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.testing.TestRedis;
import io.paystream.shared.time.Delays;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Following the status stream (real Redis): silent instances are remembered, times exact. */
class StatusBoardTest {
  private static final int REDIS_DB = 14;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private TestRedis redis;
  private RedisStreams streams;

  @BeforeEach
  void setUp() throws Exception {
    redis = TestRedis.flushed(REDIS_DB);
    streams = redis.streams;
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  @Test
  void anInstanceThatWentSilentIsRememberedWhileTheOthersFillTheCappedStream() {
    StatusBoard board = new StatusBoard(streams, 600_000);
    report("refund-service", "r1", 5);
    Map<String, ServiceStatus> first = board.refresh().await().atMost(WAIT);
    assertEquals(5, first.get("refund-service/r1").counts().completed());
    // r1 dies; p1 reports on, more than the stream keeps.
    int reports = (int) StatusPublisher.MAX_LEN + 500;
    for (int i = 0; i < reports; i++) {
      report("payments-service", "p1", i);
      if (i % 1_000 == 0) {
        board.refresh().await().atMost(WAIT); // as the board's timer does
      }
    }
    Map<String, ServiceStatus> later = board.refresh().await().atMost(WAIT);
    assertEquals(5, later.get("refund-service/r1").counts().completed(), "r1 still known");
    assertEquals(reports - 1, later.get("payments-service/p1").counts().completed());
  }

  @Test
  void reportsAreTimedToTheMillisecondAndTheNewestWinsWithinOneSecond() {
    StatusBoard board = new StatusBoard(streams, 600_000);
    long before = System.currentTimeMillis();
    report("payments-service", "p1", 1);
    report("payments-service", "p1", 2); // the same second, most likely: added later, so newer
    long after = System.currentTimeMillis();
    ServiceStatus s = board.refresh().await().atMost(WAIT).get("payments-service/p1");
    assertEquals(2, s.counts().completed());
    long at = s.at().toEpochMilli();
    assertTrue(at >= before && at <= after, at + " not within " + before + ".." + after);
  }

  @Test
  void instancesSilentLongerThanTheBoardRemembersAreForgotten() throws Exception {
    StatusBoard board = new StatusBoard(streams, 300);
    report("refund-service", "r1", 1);
    assertTrue(board.refresh().await().atMost(WAIT).containsKey("refund-service/r1"));
    Thread.sleep(400);
    report("payments-service", "p1", 1);
    Map<String, ServiceStatus> now = board.refresh().await().atMost(WAIT);
    assertTrue(now.containsKey("payments-service/p1"));
    assertFalse(now.containsKey("refund-service/r1"), "r1 forgotten");
  }

  @Test
  void aReportReadBeforeASlowQueryIsDatedWhenItWasReadNotWhenItWasAdded() {
    StatusPublisher publisher =
        publisher(() -> Delays.after(redis.vertx, 600).replaceWith(new JobCounts(0, 0, 1, 0)));
    long before = System.currentTimeMillis();
    publisher.publish().await().atMost(WAIT);
    long added = System.currentTimeMillis();
    assertTrue(added - before >= 600, "the counts took " + (added - before) + " ms");
    ServiceStatus s =
        new StatusBoard(streams, 600_000).refresh().await().atMost(WAIT).get("payments-service/p1");
    long at = s.at().toEpochMilli();
    // Read before the counts' 600 ms, not at their arrival (Redis' clock and ours may differ by a
    // few milliseconds on one machine).
    assertTrue(at <= before + 100, "dated " + (at - before) + " ms after the reading began");
    assertTrue(at >= before - 100, "dated " + (before - at) + " ms before the reading began");
  }

  @Test
  void aReportReadBeforeASlowerOneButAddedAfterItDoesNotReplaceIt() {
    AtomicInteger readings = new AtomicInteger();
    StatusPublisher publisher =
        publisher(
            () -> {
              int n = readings.incrementAndGet(); // the first reading is slow
              return Delays.after(redis.vertx, n == 1 ? 700 : 0)
                  .replaceWith(new JobCounts(0, 0, n, 0));
            });
    Uni<Void> slow = publisher.publish();
    Uni<Void> first = slow.memoize().indefinitely();
    first.subscribe().with(v -> {}, e -> {});
    Delays.after(redis.vertx, 100).await().atMost(WAIT);
    publisher.publish().await().atMost(WAIT); // read 100 ms later, added 600 ms sooner
    first.await().atMost(WAIT);
    ServiceStatus newest =
        new StatusBoard(streams, 600_000).refresh().await().atMost(WAIT).get("payments-service/p1");
    assertEquals(2, newest.counts().completed(), "the report read last");
    assertTrue(
        newest.addedAt().isBefore(Instant.now().minusMillis(300)),
        "added before the slow one: " + newest.addedAt());
  }

  @Test
  void aReportThatNeverFinishesHoldsUpNoOther() throws Exception {
    AtomicInteger readings = new AtomicInteger();
    StatusPublisher publisher =
        publisher(
            () ->
                readings.incrementAndGet() == 1
                    ? Uni.createFrom().nothing() // a query on a connection that died unseen
                    : Uni.createFrom().item(new JobCounts(0, 0, readings.get(), 0)));
    publisher.start(50);
    try {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                ServiceStatus s =
                    new StatusBoard(streams, 600_000)
                        .refresh()
                        .await()
                        .atMost(WAIT)
                        .get("payments-service/p1");
                return s != null && s.counts().completed() >= 5;
              });
    } finally {
      publisher.stop();
    }
  }

  private StatusPublisher publisher(Supplier<Uni<JobCounts>> counts) {
    return new StatusPublisher(
        redis.vertx,
        streams,
        "payments-service",
        "p1",
        () -> true,
        counts,
        () -> Uni.createFrom().item(0L));
  }

  private void report(String service, String instance, long completed) {
    ServiceStatus s =
        new ServiceStatus(
            service, instance, Instant.now(), true, new JobCounts(0, 0, completed, 0), 0);
    StatusPublisher.add(streams, s).await().atMost(WAIT);
  }
}
