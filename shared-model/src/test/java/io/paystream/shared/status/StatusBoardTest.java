package io.paystream.shared.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

  private void report(String service, String instance, long completed) {
    ServiceStatus s =
        new ServiceStatus(
            service, instance, Instant.now(), true, new JobCounts(0, 0, completed, 0), 0);
    streams.add(Streams.SERVICE_STATUS, StatusPublisher.MAX_LEN, s.encode()).await().atMost(WAIT);
  }
}
