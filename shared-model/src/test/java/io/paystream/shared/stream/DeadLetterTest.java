package io.paystream.shared.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.testing.TestRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An entry leaves its group for the dead-letter stream only once its copy is there (real Redis).
 */
class DeadLetterTest {
  private static final int REDIS_DB = 13;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String STREAM = "test:poison";
  private static final String GROUP = "test-group";

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
  void anEntryWhoseCopyIsRefusedStaysPendingInItsGroup() {
    RedisStreams streams = redis.streams;
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    streams.add(STREAM, 1_000, "poison").await().atMost(WAIT);
    StreamEntry entry =
        streams.readGroup(STREAM, GROUP, "c1", 10, 0, ">").await().atMost(WAIT).get(0);
    // Redis refuses the copy (here: its key holds a string; out of memory, it would be that).
    String deadLetters = Streams.deadLetters(STREAM);
    send(Request.cmd(Command.SET).arg(deadLetters).arg("not a stream"));

    assertThrows(
        RuntimeException.class,
        () -> streams.deadLetter(STREAM, GROUP, entry, "test", 1_000).await().atMost(WAIT));
    assertEquals(1, pending(), "the entry was acknowledged without its copy");

    send(Request.cmd(Command.DEL).arg(deadLetters));
    streams.deadLetter(STREAM, GROUP, entry, "test", 1_000).await().atMost(WAIT);
    assertEquals(0, pending());
    List<StreamEntry> copies = streams.latest(deadLetters, 10).await().atMost(WAIT);
    assertEquals(1, copies.size());
    assertEquals("poison", copies.get(0).payload());
  }

  @Test
  void aClaimedEntryDeliveredTooOftenIsDeadLetteredWhateverIsPendingBetween() throws Exception {
    RedisStreams streams = redis.streams;
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    // A dead consumer's two entries, far apart: one delivered once, one delivered 10 times, with
    // 50 entries of a live consumer (fresh, not to be taken) between them.
    Map<String, String> events = new HashMap<>(); // entry id -> envelope
    String once = add(streams, events);
    for (int i = 0; i < 50; i++) {
      add(streams, events);
    }
    String poison = add(streams, events);
    streams.readGroup(STREAM, GROUP, "dead", 1, 0, ">").await().atMost(WAIT);
    streams.readGroup(STREAM, GROUP, "busy", 50, 0, ">").await().atMost(WAIT);
    streams.readGroup(STREAM, GROUP, "dead", 1, 0, ">").await().atMost(WAIT);
    claimAs("dead", once, 1);
    claimAs("dead", poison, 10);

    Set<String> handled = ConcurrentHashMap.newKeySet();
    StreamConsumer live =
        recording(
            ConsumerOptions.of(STREAM, GROUP, "live")
                .withClaimMinIdleMillis(60_000)
                .withClaimIntervalMillis(200),
            handled);
    live.start();
    try {
      awaitOnlyDeadLetter(events.get(poison));
      await().atMost(WAIT).until(() -> handled.contains(idOf(events.get(once))));
      assertFalse(
          handled.contains(idOf(events.get(poison))),
          "the entry delivered 10 times was handled again instead of dead-lettered");
    } finally {
      live.stop();
    }
  }

  @Test
  void anEntryThatKeptItsConsumerFromFinishingIsDeadLetteredWhenItStartsAgain() throws Exception {
    RedisStreams streams = redis.streams;
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    Map<String, String> events = new HashMap<>();
    String fatal = add(streams, events);
    String ordinary = add(streams, events);
    // "c1" read both and died handling them, again and again (the first one kills it): the first
    // has been delivered 10 times, the other once.
    streams.readGroup(STREAM, GROUP, "c1", 10, 0, ">").await().atMost(WAIT);
    claimAs("c1", fatal, 10);
    Set<String> handled = ConcurrentHashMap.newKeySet();
    StreamConsumer again =
        recording(ConsumerOptions.of(STREAM, GROUP, "c1").withClaimMinIdleMillis(600_000), handled);
    again.start();
    try {
      await().atMost(WAIT).until(() -> handled.contains(idOf(events.get(ordinary))));
      awaitOnlyDeadLetter(events.get(fatal));
      assertFalse(handled.contains(idOf(events.get(fatal))), "handled an 11th time");
    } finally {
      again.stop();
    }
  }

  @Test
  void aConsumerStartingAgainWithThousandsOfItsOwnEntriesPendingHandlesThemAll() {
    RedisStreams streams = redis.streams;
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    for (int i = 0; i < 3_000; i++) {
      streams.add(STREAM, 10_000, event()).await().atMost(WAIT);
    }
    // "c1" read them all and was killed before finishing any (bank delays under way); it starts
    // again under the same name, with more entries of its own pending than the Redis client
    // queues commands.
    streams.readGroup(STREAM, GROUP, "c1", 3_000, 0, ">").await().atMost(WAIT);
    Set<String> handled = ConcurrentHashMap.newKeySet();
    StreamConsumer again =
        recording(
            ConsumerOptions.of(STREAM, GROUP, "c1")
                .withMaxInFlight(5_000)
                .withClaimMinIdleMillis(600_000),
            handled);
    again.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 3_000);
      await().atMost(WAIT).until(() -> pending() == 0);
    } finally {
      again.stop();
    }
  }

  @Test
  void anEventOfATypeThisReleaseDoesNotKnowIsLeftForANewerReplicaBeforeTheDeadLetters() {
    RedisStreams streams = redis.streams;
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    // Written by a newer release during a rolling upgrade.
    String future =
        "{\"id\":\"evt_future0000000001\",\"type\":\"payment.future\","
            + "\"created_at\":\"2026-12-06T00:00:00Z\",\"merchant_id\":null,\"data\":{}}";
    streams.add(STREAM, 1_000, future).await().atMost(WAIT);
    Set<String> handled = ConcurrentHashMap.newKeySet();
    StreamConsumer old =
        recording(
            ConsumerOptions.of(STREAM, GROUP, "old")
                .withClaimMinIdleMillis(1_000)
                .withClaimIntervalMillis(200)
                .withMaxDeliveries(3),
            handled);
    old.start();
    try {
      await().atMost(WAIT).until(() -> old.failedCount() >= 1);
      assertEquals(
          0, old.deadLetteredCount(), "dead-lettered before a newer replica could take it");
      assertEquals(1, pending(), "left pending in the group");
      // No replica that knows the type comes: once delivered too often, it is dead-lettered.
      awaitOnlyDeadLetter(future);
      assertEquals(0, pending());
      assertEquals(Set.of(), handled);
    } finally {
      old.stop();
    }
  }

  /** A consumer that records the ids of the events it handles. */
  private StreamConsumer recording(ConsumerOptions options, Set<String> handled) {
    return new StreamConsumer(
        redis.vertx,
        redis.streams,
        options,
        event -> {
          handled.add(event.id());
          return Uni.createFrom().voidItem();
        });
  }

  /** Waits until the dead-letter stream holds one entry, and checks that it is {@code event}. */
  private void awaitOnlyDeadLetter(String event) {
    String deadLetters = Streams.deadLetters(STREAM);
    await()
        .atMost(WAIT)
        .until(() -> redis.streams.latest(deadLetters, 10).await().atMost(WAIT).size() == 1);
    assertEquals(
        event, redis.streams.latest(deadLetters, 10).await().atMost(WAIT).get(0).payload());
  }

  /** Adds an event; emits its entry id. */
  private static String add(RedisStreams streams, Map<String, String> events) {
    String event = event();
    String id = streams.add(STREAM, 1_000, event).await().atMost(WAIT);
    events.put(id, event);
    return id;
  }

  /** A new event of its own id. */
  private static String event() {
    return EventEnvelope.encodeNew(
        EventType.SERVICE_STATUS, null, null, w -> w.beginObject().endObject());
  }

  private static String idOf(String event) {
    return EventEnvelope.decode(event).id();
  }

  /** Gives {@code id} to {@code consumer}, idle for 10 minutes, delivered {@code times}. */
  private void claimAs(String consumer, String id, int times) {
    send(
        Request.cmd(Command.XCLAIM)
            .arg(STREAM)
            .arg(GROUP)
            .arg(consumer)
            .arg(0)
            .arg(id)
            .arg("IDLE")
            .arg(600_000)
            .arg("RETRYCOUNT")
            .arg(times));
  }

  private long pending() {
    return redis.streams.group(STREAM, GROUP).await().atMost(WAIT).pending();
  }

  private void send(Request request) {
    redis.redis.send(request).await().atMost(WAIT);
  }
}
