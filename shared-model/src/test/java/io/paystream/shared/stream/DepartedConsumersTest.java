package io.paystream.shared.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.testing.TestRedis;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas that are gone (real Redis): their pending entries are taken over by a live one, and
 * their consumers leave the group once they have been silent long enough with nothing pending; one
 * that still has entries pending, and the live ones, stay.
 */
class DepartedConsumersTest {
  private static final int REDIS_DB = 13;
  private static final String STREAM = "test:departed";
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
  void aSilentConsumerWithNothingPendingIsRemovedAndOneWithPendingEntriesStays()
      throws InterruptedException {
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    // Both entries go to the two departed consumers; the live one below only ever sees none.
    streams.add(STREAM, 1_000, "{}").await().atMost(WAIT);
    streams.add(STREAM, 1_000, "{}").await().atMost(WAIT);
    // "gone-clean" read and acknowledged its entry; "gone-pending" read one and never acked it.
    List<StreamEntry> clean =
        streams.readGroup(STREAM, GROUP, "gone-clean", 1, 0, ">").await().atMost(WAIT);
    streams.ack(STREAM, GROUP, List.of(clean.get(0).id())).await().atMost(WAIT);
    assertEquals(
        1, streams.readGroup(STREAM, GROUP, "gone-pending", 1, 0, ">").await().atMost(WAIT).size());
    assertEquals(Set.of("gone-clean", "gone-pending"), names());

    // The live consumer never takes the pending entry over (its idle time is far below the
    // claim's), so "gone-pending" keeps it: removing that consumer would lose the entry.
    StreamConsumer live =
        new StreamConsumer(
            vertx,
            streams,
            ConsumerOptions.of(STREAM, GROUP, "live")
                .withClaimIntervalMillis(200)
                .withClaimMinIdleMillis(600_000)
                .withForgetIdleMillis(1_000),
            event -> Uni.createFrom().voidItem());
    live.start();
    try {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (names().contains("gone-clean")) {
        if (System.nanoTime() > deadline) {
          fail("the departed consumer is still in the group: " + names());
        }
        Thread.sleep(100);
      }
      Set<String> left = names();
      assertTrue(left.contains("gone-pending"), "a consumer with a pending entry stays: " + left);
      assertTrue(left.contains("live"), "the live consumer stays: " + left);
      assertFalse(
          streams.deleteConsumerIfIdle(STREAM, GROUP, "gone-pending", 0).await().atMost(WAIT),
          "never removed while an entry is pending for it");
      assertFalse(
          streams.deleteConsumerIfIdle(STREAM, GROUP, "live", 60_000).await().atMost(WAIT),
          "never removed while it reads");
    } finally {
      live.stop();
    }
  }

  @Test
  void aStaleCountOfEntriesReadIsSetRightOnceEverythingIsDelivered() throws Exception {
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    for (int i = 0; i < 3; i++) {
      streams.add(STREAM, 1_000, "{}").await().atMost(WAIT);
    }
    List<StreamEntry> read = streams.readGroup(STREAM, GROUP, "c", 10, 0, ">").await().atMost(WAIT);
    streams.ack(STREAM, GROUP, read.stream().map(StreamEntry::id).toList()).await().atMost(WAIT);
    // As after Redis reloaded a rewritten append-only file.
    setEntriesRead(read.get(2).id(), 1);
    assertEquals("2", group("lag"));

    // A consumer's claim rounds set it right.
    StreamConsumer consumer =
        new StreamConsumer(
            vertx,
            streams,
            ConsumerOptions.of(STREAM, GROUP, "c").withClaimIntervalMillis(200),
            event -> Uni.createFrom().voidItem());
    consumer.start();
    try {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!"0".equals(group("lag"))) {
        if (System.nanoTime() > deadline) {
          fail("the lag stayed " + group("lag"));
        }
        Thread.sleep(100);
      }
      assertEquals("3", group("entries-read"));
    } finally {
      consumer.stop();
    }

    // With an entry not delivered yet, the count is left as it is: it may be right.
    streams.add(STREAM, 1_000, "{}").await().atMost(WAIT);
    setEntriesRead(read.get(2).id(), 1);
    assertFalse(streams.repairEntriesRead(STREAM, GROUP).await().atMost(WAIT));
    assertEquals("1", group("entries-read"));
    assertFalse(streams.repairEntriesRead("test:no-such-stream", GROUP).await().atMost(WAIT));
  }

  private void setEntriesRead(String lastDelivered, long entriesRead) {
    redis
        .redis
        .send(
            Request.cmd(Command.XGROUP)
                .arg("SETID")
                .arg(STREAM)
                .arg(GROUP)
                .arg(lastDelivered)
                .arg("ENTRIESREAD")
                .arg(entriesRead))
        .await()
        .atMost(WAIT);
  }

  /** A field of the group's {@code XINFO GROUPS} entry. */
  private String group(String field) {
    Response groups =
        redis.redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(STREAM)).await().atMost(WAIT);
    for (Response g : groups) {
      if (GROUP.equals(RedisStreams.value(g, "name").toString())) {
        Response v = RedisStreams.value(g, field);
        return v == null ? null : v.toString();
      }
    }
    return null;
  }

  private Set<String> names() {
    return streams.consumers(STREAM, GROUP).await().atMost(WAIT).stream()
        .map(RedisStreams.GroupConsumer::name)
        .collect(Collectors.toSet());
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
            .withClaimIntervalMillis(5_000);
    StreamConsumer live =
        new StreamConsumer(
            vertx,
            streams,
            options,
            event -> {
              handled.add(event.id());
              return Uni.createFrom().voidItem();
            });
    long started = System.nanoTime();
    live.start();
    try {
      // The first claim round runs 5 s after the start, the second 10 s after it: everything is
      // taken over by the first, before the second could start.
      await()
          .atMost(Duration.ofMillis(9_500).minusNanos(System.nanoTime() - started))
          .until(() -> handled.size() == backlog);
    } finally {
      live.stop();
    }
  }

  @Test
  void aStoppingConsumerHandsItsEntriesInFlightBackForTheOthersToTakeAtOnce() throws Exception {
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    // Take-over of an idle entry would wait 10 minutes; claim rounds run every 200 ms.
    ConsumerOptions stopping =
        ConsumerOptions.of(STREAM, GROUP, "stopping")
            .withClaimMinIdleMillis(600_000)
            .withClaimIntervalMillis(200);
    Set<String> held = ConcurrentHashMap.newKeySet();
    StreamConsumer leaving =
        new StreamConsumer(
            vertx,
            streams,
            stopping,
            event -> {
              held.add(event.id());
              return Uni.createFrom().emitter(e -> {}); // still working on it when stopped
            });
    leaving.start();
    Set<String> added = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 3; i++) {
      String event =
          EventEnvelope.encodeNew(
              EventType.SERVICE_STATUS, null, null, w -> w.beginObject().endObject());
      streams.add(STREAM, 1_000, event).await().atMost(WAIT);
      added.add(EventEnvelope.decode(event).id());
    }
    await("the stopping consumer holds the entries").atMost(WAIT).until(() -> held.size() == 3);

    leaving.stop().await().atMost(WAIT);
    Set<String> handled = ConcurrentHashMap.newKeySet();
    StreamConsumer staying =
        new StreamConsumer(
            vertx,
            streams,
            ConsumerOptions.of(STREAM, GROUP, "staying")
                .withClaimMinIdleMillis(600_000)
                .withClaimIntervalMillis(200),
            event -> {
              handled.add(event.id());
              return Uni.createFrom().voidItem();
            });
    staying.start();
    try {
      await("the other consumer took the entries over")
          .atMost(WAIT)
          .until(() -> handled.equals(added));
    } finally {
      staying.stop();
    }
  }
}
