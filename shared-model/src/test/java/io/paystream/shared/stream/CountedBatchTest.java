package io.paystream.shared.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams.Counted;
import io.paystream.shared.testing.TestRedis;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pipelines that each end with an increment of a counter, against the real Redis. */
class CountedBatchTest {
  private static final int REDIS_DB = 13;
  private static final String STREAM = "test:counted";
  private static final String COUNTER = "test:counter";
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
  void eachPipelineEndsWithTheNextCountAndTheRepliesStayInOrder() {
    List<Request> adds = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      adds.add(RedisStreams.xadd(STREAM, "e-" + i));
    }
    Counted counted = streams.batchCounted(adds, COUNTER).await().atMost(WAIT);
    // 999 commands and the increment per pipeline: three pipelines.
    assertEquals(List.of(1L, 2L, 3L), counted.counters());
    assertTrue(counted.unbrokenAfter(0));
    assertEquals(2_500, counted.replies().size());
    List<StreamEntry> entries = streams.range(STREAM, "-", "+", 3_000).await().atMost(WAIT);
    for (int i = 0; i < 2_500; i++) {
      assertEquals(entries.get(i).id(), counted.replies().get(i).toString(), "reply " + i);
      assertEquals("e-" + i, entries.get(i).payload());
    }
    // Nothing to send still counts once.
    assertEquals(
        List.of(4L), streams.batchCounted(List.of(), COUNTER).await().atMost(WAIT).counters());
  }

  @Test
  void aCounterThatDidNotGoOnByOneAfterTheRecordedOneIsABreak() {
    assertTrue(new Counted(List.of(), List.of(8L, 9L, 10L)).unbrokenAfter(7));
    assertTrue(new Counted(List.of(), List.of(8L)).unbrokenAfter(3), "others' counts: none");
    assertFalse(new Counted(List.of(), List.of(7L)).unbrokenAfter(7), "not past the recorded");
    assertFalse(
        new Counted(List.of(), List.of(8L, 1L)).unbrokenAfter(7),
        "Redis lost everything between two pipelines");
    assertFalse(
        new Counted(List.of(), List.of(8L, 8L)).unbrokenAfter(7),
        "a replica that was behind took over between two pipelines");
    assertFalse(new Counted(List.of(), List.of(8L, 10L)).unbrokenAfter(7), "another client");
  }
}
