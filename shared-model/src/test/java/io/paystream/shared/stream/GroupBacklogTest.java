package io.paystream.shared.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.status.LoopMeters;
import io.paystream.shared.testing.TestRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every consumer's group lag and pending count (real Redis), as the {@code paystream.stream.lag}
 * and {@code paystream.stream.pending} gauges every service registers through {@link
 * LoopMeters#consumers} show them: read by the consumer on a timer, never by the scrape.
 */
class GroupBacklogTest {
  private static final int REDIS_DB = 13;
  private static final String STREAM = "test:backlog";
  private static final String GROUP = "test-group";
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
  void theGaugesShowTheGroupsLagAndPendingEntriesAsLastRead() {
    StreamConsumer consumer = consumer(event -> Uni.createFrom().voidItem());
    MeterRegistry registry = new SimpleMeterRegistry();
    LoopMeters.consumers(registry, List.of(consumer));

    assertTrue(Double.isNaN(lag(registry)), "unknown before the first read, not 0");
    assertTrue(Double.isNaN(pending(registry)));

    consumer.readBacklog().await().atMost(WAIT);
    assertEquals(0, lag(registry), "no stream yet: nothing to read");
    assertEquals(0, pending(registry));

    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    for (int i = 0; i < 5; i++) {
      streams.add(STREAM, 1_000, event()).await().atMost(WAIT);
    }
    streams.readGroup(STREAM, GROUP, "other", 2, 0, ">").await().atMost(WAIT);
    assertEquals(0, lag(registry), "the scrape does not read Redis");

    consumer.readBacklog().await().atMost(WAIT);
    assertEquals(3, lag(registry));
    assertEquals(2, pending(registry));

    // A read that fails (here: the key is no stream any more) leaves them unknown, not as they
    // were.
    redis.redis.send(Request.cmd(Command.DEL).arg(STREAM)).await().atMost(WAIT);
    redis.redis.send(Request.cmd(Command.SET).arg(STREAM).arg("x")).await().atMost(WAIT);
    consumer.readBacklog().await().atMost(WAIT);
    assertTrue(Double.isNaN(lag(registry)));
    assertTrue(Double.isNaN(pending(registry)));
  }

  @Test
  void aRunningConsumerReadsThemEveryFewSeconds() {
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    // Its handler never ends: the entries it takes stay pending.
    StreamConsumer consumer = consumer(event -> Uni.createFrom().nothing());
    MeterRegistry registry = new SimpleMeterRegistry();
    LoopMeters.consumers(registry, List.of(consumer));
    consumer.start();
    try {
      await().atMost(WAIT).until(() -> lag(registry) == 0 && pending(registry) == 0);
      for (int i = 0; i < 3; i++) {
        streams.add(STREAM, 1_000, event()).await().atMost(WAIT);
      }
      await().atMost(WAIT).until(() -> consumer.inFlight() == 3);
      await().atMost(WAIT).until(() -> pending(registry) == 3 && lag(registry) == 0);
    } finally {
      consumer.stop().await().atMost(WAIT);
    }
  }

  private StreamConsumer consumer(StreamConsumer.Handler handler) {
    return new StreamConsumer(
        redis.vertx, streams, ConsumerOptions.of(STREAM, GROUP, "c"), handler);
  }

  private static double lag(MeterRegistry registry) {
    return registry.get("paystream.stream.lag").tag("stream", STREAM).gauge().value();
  }

  private static double pending(MeterRegistry registry) {
    return registry.get("paystream.stream.pending").tag("stream", STREAM).gauge().value();
  }

  private static String event() {
    return EventEnvelope.encodeNew(
        EventType.SERVICE_STATUS, null, null, w -> w.beginObject().endObject());
  }
}
