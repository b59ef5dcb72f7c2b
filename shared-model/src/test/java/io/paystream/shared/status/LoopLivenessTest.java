package io.paystream.shared.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.stream.ConsumerOptions;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamConsumer;
import io.paystream.shared.testing.TestRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A consumer whose every slot is held by a handler that never ends stops stepping, and liveness
 * says so; an idle consumer, whose reads return empty, keeps stepping and stays live (real Redis).
 */
class LoopLivenessTest {
  private static final int REDIS_DB = 13;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration STUCK_AFTER = Duration.ofMillis(1_500);

  private TestRedis redis;

  @BeforeEach
  void setUp() throws Exception {
    redis = TestRedis.flushed(REDIS_DB);
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  @Test
  void aConsumerWedgedByHandlersThatNeverEndIsNotLiveAnIdleOneIs() throws Exception {
    AtomicInteger started = new AtomicInteger();
    StreamConsumer wedged =
        consumer(
            "test:wedged",
            event -> {
              started.incrementAndGet();
              return Uni.createFrom().emitter(e -> {}); // never ends
            });
    StreamConsumer idle = consumer("test:idle", event -> Uni.createFrom().voidItem());
    wedged.start();
    idle.start();
    try {
      redis
          .streams
          .add(
              "test:wedged",
              1_000,
              EventEnvelope.encodeNew(
                  EventType.SERVICE_STATUS, null, null, w -> w.beginObject().endObject()))
          .await()
          .atMost(WAIT);
      await("the handler was called").atMost(WAIT).until(() -> started.get() > 0);
      assertEquals(1, started.get(), "the handler was called once");
      Thread.sleep(STUCK_AFTER.toMillis() + 1_000);

      assertTrue(wedged.millisSinceLastStep() > STUCK_AFTER.toMillis());
      assertTrue(idle.millisSinceLastStep() < STUCK_AFTER.toMillis());
      assertEquals(List.of("test:wedged"), liveness(List.of(idle, wedged)).stuck());
      assertEquals(List.of(), liveness(List.of(idle)).stuck());

      wedged.stop();
      assertEquals(0, wedged.millisSinceLastStep(), "a stopped loop is not wedged");
    } finally {
      wedged.stop();
      idle.stop();
    }
  }

  /**
   * An instance that starts while Redis is out of reach retries reading its own pending entries
   * without end: each try is a step, so liveness stays up (a restart would not bring Redis back).
   */
  @Test
  void aConsumerThatCannotReachRedisAtItsStartKeepsSteppingWhileItRetries() throws Exception {
    Redis unreachable = Redis.createClient(redis.vertx, "redis://127.0.0.1:1");
    StreamConsumer c =
        new StreamConsumer(
            redis.vertx,
            new RedisStreams(unreachable),
            ConsumerOptions.of("test:unreachable", "test-group", "c"),
            event -> Uni.createFrom().voidItem());
    c.start();
    try {
      // Retries back off to one every 5 s: past the first few, each must still count.
      Thread.sleep(8_000);
      long sinceStep = c.millisSinceLastStep();
      assertTrue(sinceStep < 6_000, "last step " + sinceStep + " ms ago");
    } finally {
      c.stop().await().atMost(WAIT);
      unreachable.close();
    }
  }

  @Test
  void anotherLoopThatHasNotSteppedForTooLongFailsTheCheckToo() {
    assertEquals(
        List.of("relay"),
        new LoopLiveness(List.of(), Map.of("relay", () -> 1_501), STUCK_AFTER) {}.stuck());
    assertEquals(
        List.of(),
        new LoopLiveness(List.of(), Map.of("relay", () -> 1_499), STUCK_AFTER) {}.stuck());
  }

  private static LoopLiveness liveness(List<StreamConsumer> consumers) {
    return new LoopLiveness(consumers, Map.of(), STUCK_AFTER) {};
  }

  /** One slot, reads that block 200 ms. */
  private StreamConsumer consumer(String stream, StreamConsumer.Handler handler) {
    ConsumerOptions defaults = ConsumerOptions.of(stream, "test-group", "c");
    ConsumerOptions options =
        new ConsumerOptions(
            stream,
            "test-group",
            "c",
            defaults.batchSize(),
            200,
            defaults.claimMinIdleMillis(),
            defaults.claimIntervalMillis(),
            defaults.maxDeliveries(),
            1,
            defaults.deadLetterMaxLen(),
            defaults.forgetIdleMillis());
    return new StreamConsumer(redis.vertx, redis.streams, options, handler);
  }
}
