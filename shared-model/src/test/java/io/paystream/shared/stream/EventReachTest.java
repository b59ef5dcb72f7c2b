package io.paystream.shared.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.id.Ids;
import io.paystream.shared.testing.RedisProcess;
import io.paystream.shared.testing.TestRedis;
import io.paystream.shared.time.Timestamps;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A writer's wait for its readers (real Redis): it ends when every group has had the event's entry
 * delivered and acknowledged, not before, even when the entry is published after the wait began; a
 * reader that never acknowledges holds it only for the limit; a stream nobody reads holds it not at
 * all.
 */
class EventReachTest {
  private static final int REDIS_DB = 13;
  private static final String STREAM = "test:reach";
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Long enough for several looks at the stream, so a wait that should go on would have ended. */
  private static final long SETTLE_MILLIS = 10 * EventReach.POLL_MILLIS;

  private TestRedis redis;
  private RedisStreams streams;
  private EventReach reach;

  @BeforeEach
  void setUp() throws Exception {
    redis = TestRedis.flushed(REDIS_DB);
    streams = redis.streams;
    reach = new EventReach(redis.vertx, streams);
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  @Test
  void endsOnlyOnceEveryGroupHasAcknowledgedTheEvent() throws Exception {
    streams.ensureGroup(STREAM, "refunds").await().atMost(WAIT);
    streams.ensureGroup(STREAM, "webhooks").await().atMost(WAIT);
    String eventId = Ids.event();
    CompletableFuture<Boolean> reached =
        reach.await(STREAM, eventId, WAIT).subscribeAsCompletionStage();

    publish(Ids.event()); // another event: not the one waited for
    Thread.sleep(SETTLE_MILLIS);
    publish(eventId); // published after the wait began, as a relay does
    Thread.sleep(SETTLE_MILLIS);
    assertFalse(reached.isDone(), "no group has read it yet");

    List<String> refunds = read("refunds");
    streams.ack(STREAM, "refunds", refunds).await().atMost(WAIT);
    List<String> webhooks = read("webhooks");
    Thread.sleep(SETTLE_MILLIS);
    assertFalse(reached.isDone(), "webhooks has it delivered, not acknowledged");

    streams.ack(STREAM, "webhooks", webhooks).await().atMost(WAIT);
    assertTrue(reached.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Test
  void anOlderEntryStillPendingDoesNotHoldIt() throws Exception {
    streams.ensureGroup(STREAM, "refunds").await().atMost(WAIT);
    publish(Ids.event());
    read("refunds"); // read, never acknowledged
    String eventId = Ids.event();
    publish(eventId);
    List<String> ours = read("refunds");
    streams.ack(STREAM, "refunds", ours).await().atMost(WAIT);

    assertTrue(reach.await(STREAM, eventId, WAIT).await().atMost(WAIT));
    assertEquals(
        1,
        streams.group(STREAM, "refunds").await().atMost(WAIT).pending(),
        "the older entry is still pending");
  }

  @Test
  void aStreamMadeAnewIsSearchedAgainForTheEvent() throws Exception {
    streams.ensureGroup(STREAM, "refunds").await().atMost(WAIT);
    String eventId = Ids.event();
    publish(eventId);
    CompletableFuture<Boolean> reached =
        reach.await(STREAM, eventId, WAIT).subscribeAsCompletionStage();
    Thread.sleep(SETTLE_MILLIS); // the wait has found the entry, unread

    // Redis loses its data: for a while the stream has no groups at all.
    redis.redis.send(Request.cmd(Command.DEL).arg(STREAM)).await().atMost(WAIT);
    Thread.sleep(SETTLE_MILLIS);
    assertFalse(reached.isDone(), "the readers are gone for a moment, not for good");
    // The group comes back and reads newer entries, none of them the event.
    streams.ensureGroup(STREAM, "refunds").await().atMost(WAIT);
    publish(Ids.event());
    streams.ack(STREAM, "refunds", read("refunds")).await().atMost(WAIT);
    Thread.sleep(SETTLE_MILLIS);
    assertFalse(reached.isDone(), "the event itself was never handled");

    publish(eventId); // the writer's outbox publishes it again
    streams.ack(STREAM, "refunds", read("refunds")).await().atMost(WAIT);
    assertTrue(reached.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Test
  void aReaderThatNeverAcknowledgesHoldsTheAnswerOnlyForTheLimit() {
    streams.ensureGroup(STREAM, "refunds").await().atMost(WAIT);
    String eventId = Ids.event();
    publish(eventId);
    read("refunds");

    long started = System.nanoTime();
    boolean reached = reach.await(STREAM, eventId, Duration.ofMillis(300)).await().atMost(WAIT);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertFalse(reached);
    assertTrue(tookMillis >= 300 && tookMillis < 5_000, "took " + tookMillis + " ms");
  }

  @Test
  void aRedisThatDoesNotAnswerHoldsTheAnswerOnlyForTheLimit() throws Exception {
    try (RedisProcess paused = RedisProcess.start()) {
      Vertx vertx = redis.vertx;
      Redis client = Redis.createClient(vertx, paused.url());
      try {
        RedisStreams pausedStreams = new RedisStreams(client);
        pausedStreams.ensureGroup(STREAM, "refunds").await().atMost(WAIT);
        paused.freeze();
        long started = System.nanoTime();
        boolean reached =
            new EventReach(vertx, pausedStreams)
                .await(STREAM, Ids.event(), Duration.ofMillis(300))
                .await()
                .atMost(WAIT);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertFalse(reached);
        assertTrue(tookMillis >= 300 && tookMillis < 2_000, "took " + tookMillis + " ms");
      } finally {
        paused.thaw();
        client.close();
      }
    }
  }

  @Test
  void aLimitOfZeroDoesNotWait() {
    streams.ensureGroup(STREAM, "refunds").await().atMost(WAIT);
    assertFalse(reach.await(STREAM, Ids.event(), Duration.ZERO).await().atMost(WAIT));
  }

  @Test
  void aStreamNobodyReadsHasNoOneToWaitFor() {
    assertTrue(reach.await(STREAM, Ids.event(), WAIT).await().atMost(Duration.ofSeconds(2)));
  }

  private void publish(String eventId) {
    String payload =
        EventEnvelope.encode(
            eventId,
            EventType.MERCHANT_CREATED,
            Timestamps.now(),
            null,
            null,
            w -> w.beginObject().endObject());
    streams.add(STREAM, 1_000, payload).await().atMost(WAIT);
  }

  /** Reads every new entry as one consumer of {@code group}; emits their ids. */
  private List<String> read(String group) {
    return streams.readGroup(STREAM, group, "c1", 100, 0, ">").await().atMost(WAIT).stream()
        .map(StreamEntry::id)
        .toList();
  }
}
