package io.paystream.shared.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.testing.TestRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A dead instance's pending entries are taken over by a live one (real Redis). */
class TakeOverTest {
  private static final int REDIS_DB = 13;
  private static final String STREAM = "test:takeover";
  private static final String GROUP = "test-group";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private TestRedis redis;
  private Vertx vertx;
  private RedisStreams streams;

  @BeforeEach
  void setUp() throws Exception {
    redis = TestRedis.flushed(REDIS_DB);
    vertx = redis.vertx;
    streams = redis.streams;
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  @Test
  void aDeadInstancesWholeBacklogIsTakenOverInOneRound() throws Exception {
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    int backlog = 250; // more than a page (100)
    for (int i = 0; i < backlog; i++) {
      String event =
          EventEnvelope.encodeNew(
              EventType.SERVICE_STATUS, null, null, w -> w.beginObject().endObject());
      streams.add(STREAM, 10_000, event).await().atMost(WAIT);
    }
    // The dead instance read them all and handled none.
    List<StreamEntry> read =
        streams.readGroup(STREAM, GROUP, "dead", 1_000, 0, ">").await().atMost(WAIT);
    assertEquals(backlog, read.size());

    Set<String> handled = ConcurrentHashMap.newKeySet();
    ConsumerOptions options =
        ConsumerOptions.of(STREAM, GROUP, "live")
            .withClaimMinIdleMillis(100)
            .withClaimIntervalMillis(3_000);
    StreamConsumer live =
        new StreamConsumer(
            vertx,
            streams,
            options,
            event -> {
              handled.add(event.id());
              return Uni.createFrom().voidItem();
            });
    live.start();
    try {
      // The first claim round runs 3 s after the start, the second 6 s after it: everything is
      // taken over by the first.
      Thread.sleep(5_000);
      assertEquals(backlog, handled.size());
    } finally {
      live.stop();
    }
  }
}
