package io.paystream.shared.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.TestDatabases;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * After Redis loses its data, the outbox goes out again from the last row every reader was seen to
 * have acknowledged, not from the start of retention: against the real PostgreSQL and Redis.
 */
class AcknowledgedReDriveTest {
  private static final String DB = "paystream_shared_test";
  private static final int REDIS_DB = 12;
  private static final String PAYMENTS = Streams.PAYMENT_EVENTS;
  private static final String MERCHANTS = Streams.MERCHANT_EVENTS;
  private static final String REFUNDS = Streams.REFUND_SERVICE;
  private static final String WEBHOOKS = Streams.WEBHOOK_SERVICE;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Vertx vertx;
  private Redis redis;
  private RedisStreams streams;
  private Pool pool;
  private final List<OutboxRelay> relays = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    TestDatabases.recreate(DB, "relaytest");
    TestDatabases.flushRedis(REDIS_DB);
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestDatabases.redisUrl(REDIS_DB));
    streams = new RedisStreams(redis);
    pool = TestDatabases.pool(vertx, DB, 4);
    RelayTables.create(pool);
  }

  @AfterEach
  void tearDown() {
    relays.forEach(OutboxRelay::stop);
    pool.closeAndAwait();
    redis.close();
    vertx.closeAndAwait();
  }

  @Test
  void aLossSendsAgainOnlyWhatSomeReaderHadNotAcknowledged() {
    // webhook-service has read all ten and finished the first six; four are still pending.
    OutboxRelay relay = tenEventsOfWhichWebhooksFinished(6);
    awaitAcknowledgedThrough(relay, "e-5");
    // A re-drive now would go back to e-6: its age is what the relay's gauge shows.
    assertUnacknowledgedSince(relay, "e-6");

    flush();
    // The relay notices by its publish counter and sends again the four not finished everywhere.
    assertSentAgain(List.of("e-6", "e-7", "e-8", "e-9"));
  }

  @Test
  void aLossWithNothingLeftToSendIsMadeGoodOnce() {
    OutboxRelay relay = tenEventsOfWhichWebhooksFinished(10);
    awaitAcknowledgedThrough(relay, "e-9");
    RedisEpochWatch watch =
        new RedisEpochWatch(vertx, pool, redis, relay, RelayTables.EPOCH, options());
    assertEquals(0, watch.check().await().atMost(WAIT)); // its first token

    flush();
    // The relay notices by its counter and moves the cursor back to where it was: every reader
    // had finished everything, so nothing goes out again.
    await().atMost(WAIT).until(() -> recordedSequence() == 0);
    pause();
    assertEquals(List.of(), payloads(PAYMENTS));
    // The watch then finds a new token, for a loss the relay has made good already.
    assertEquals(0, watch.check().await().atMost(WAIT));
  }

  private long recordedSequence() {
    return cursor("last_sequence");
  }

  @Test
  void aKnownReaderWithoutGroupHoldsTheReDriveAtTheStart() {
    // webhook-service has never made its group: it will read the stream from its start.
    groups(PAYMENTS, REFUNDS);
    OutboxRelay relay = started();
    publishOneByOne(PAYMENTS, "e-", 10);
    handle(PAYMENTS, REFUNDS, 10, 10);
    awaitCheck(relay);
    assertEquals(0, acknowledgedId());
    assertUnacknowledgedSince(relay, "e-0");

    flush();
    assertSentAgain(range("e-", 0, 10));
  }

  @Test
  void anEntryGivenUpOnIsSentAgainWithAllAfterIt() {
    groups(PAYMENTS, REFUNDS, WEBHOOKS);
    OutboxRelay relay = started();
    publishOneByOne(PAYMENTS, "e-", 10);
    handle(PAYMENTS, REFUNDS, 10, 10);
    // webhook-service gave up on e-3 (a copy in the dead-letter stream) and finished the rest.
    List<StreamEntry> read = read(PAYMENTS, WEBHOOKS, 10);
    streams.deadLetter(PAYMENTS, WEBHOOKS, read.get(3), "failed", 1_000).await().atMost(WAIT);
    acknowledge(PAYMENTS, WEBHOOKS, read);
    awaitAcknowledgedThrough(relay, "e-2");

    flush();
    assertSentAgain(range("e-", 3, 10));
  }

  @Test
  void aNewLeadWaitsForWhatTheLastOnePublishedToOtherStreams() {
    groups(PAYMENTS, REFUNDS, WEBHOOKS);
    groups(MERCHANTS, REFUNDS, WEBHOOKS);
    OutboxRelay first = started();
    publishOneByOne(MERCHANTS, "m-", 1);
    handle(MERCHANTS, REFUNDS, 1, 1);
    List<StreamEntry> merchant = read(MERCHANTS, WEBHOOKS, 1); // read, not finished yet
    first.stop();

    // The next lead publishes only payment events, and every reader finishes them.
    OutboxRelay next = started();
    publishOneByOne(PAYMENTS, "p-", 5);
    handle(PAYMENTS, REFUNDS, 5, 5);
    handle(PAYMENTS, WEBHOOKS, 5, 5);
    awaitCheck(next);
    assertEquals(0, acknowledgedId(), "passed a merchant event webhook-service has not finished");

    acknowledge(MERCHANTS, WEBHOOKS, merchant);
    awaitAcknowledgedThrough(next, "p-4");
  }

  @Test
  void theEpochWatchSendsAgainFromWhereEveryReaderHadAcknowledged() {
    OutboxRelay first = tenEventsOfWhichWebhooksFinished(5);
    awaitAcknowledgedThrough(first, "e-4");
    RedisEpochWatch watch =
        new RedisEpochWatch(vertx, pool, redis, first, RelayTables.EPOCH, options());
    assertEquals(0, watch.check().await().atMost(WAIT));
    first.stop();

    // No relay runs when Redis loses its data: the watch is the one to notice.
    flush();
    assertEquals(1, watch.check().await().atMost(WAIT));
    started();
    assertSentAgain(range("e-", 5, 10));
  }

  /**
   * A started relay that has published payment events e-0 to e-9, which refund-service has
   * finished, and webhook-service has read and finished the first {@code finished} of.
   */
  private OutboxRelay tenEventsOfWhichWebhooksFinished(int finished) {
    groups(PAYMENTS, REFUNDS, WEBHOOKS);
    OutboxRelay relay = started();
    publishOneByOne(PAYMENTS, "e-", 10);
    handle(PAYMENTS, REFUNDS, 10, 10);
    handle(PAYMENTS, WEBHOOKS, 10, finished);
    return relay;
  }

  @Test
  void aStreamEndThatCannotBeReadHoldsNeitherPublishingUpNorTheRecordBack() {
    groups(PAYMENTS, REFUNDS, WEBHOOKS);
    // Where a run starts, the relay reads where every outbox stream ends: one cannot be read.
    String unreadable = Streams.REFUND_JOBS;
    redis.send(Request.cmd(Command.SET).arg(unreadable).arg("not a stream")).await().atMost(WAIT);
    OutboxRelay relay = started();
    publishOneByOne(PAYMENTS, "e-", 5);
    pause();
    assertEquals(range("e-", 0, 5), payloads(PAYMENTS), "each once");
    handle(PAYMENTS, REFUNDS, 5, 5);
    handle(PAYMENTS, WEBHOOKS, 5, 5);
    relay.checkAcknowledgedNext();
    publishOneByOne(PAYMENTS, "f-", 1);
    assertEquals(0, acknowledgedId(), "recorded without knowing what came before");

    // Readable again: the next batch starts a run, and what every reader finished is recorded.
    redis.send(Request.cmd(Command.DEL).arg(unreadable)).await().atMost(WAIT);
    publishOneByOne(PAYMENTS, "g-", 1);
    handle(PAYMENTS, REFUNDS, 2, 2);
    handle(PAYMENTS, WEBHOOKS, 2, 2);
    awaitAcknowledgedThrough(relay, "g-0");
  }

  @Test
  void aReadThatFailsNeitherRecordsNorHoldsPublishingUp() {
    groups(PAYMENTS, REFUNDS, WEBHOOKS);
    // A key of the wrong type where the dead-letter stream should be: the script fails.
    redis
        .send(Request.cmd(Command.SET).arg(Streams.deadLetters(PAYMENTS)).arg("not a stream"))
        .await()
        .atMost(WAIT);
    OutboxRelay relay = started();
    publishOneByOne(PAYMENTS, "e-", 3);
    handle(PAYMENTS, REFUNDS, 3, 3);
    handle(PAYMENTS, WEBHOOKS, 3, 3);
    long checks = relay.acknowledgedChecks();
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logged.add(record.getLevel() + " " + record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger(OutboxRelay.class.getName());
    log.addHandler(handler);
    try {
      relay.checkAcknowledgedNext();
      publishOneByOne(PAYMENTS, "f-", 3);
    } finally {
      log.removeHandler(handler);
    }
    assertEquals(checks, relay.acknowledgedChecks(), "a failed read counted as a check");
    assertEquals(0, acknowledgedId());
    assertTrue(
        logged.stream().anyMatch(m -> m.startsWith("WARN") && m.contains("could not record")),
        "logged: " + logged);
    assertTrue(
        logged.stream().noneMatch(m -> m.contains("publishing failed")),
        "the failed read failed publishing: " + logged);
    assertTrue(relay.isHealthy());
  }

  private RelayOptions options() {
    return RelayOptions.of(RelayTables.OUTBOX).withPollIntervalMillis(20);
  }

  private OutboxRelay started() {
    OutboxRelay relay = new OutboxRelay(vertx, pool, streams, options());
    relays.add(relay);
    relay.start();
    return relay;
  }

  private void groups(String stream, String... groups) {
    for (String group : groups) {
      streams.ensureGroup(stream, group).await().atMost(WAIT);
    }
  }

  /** Commits {@code n} rows, each published before the next is written: a batch each. */
  private void publishOneByOne(String stream, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      int before = payloads(stream).size();
      RelayTables.insert(pool, stream, prefix + i).await().atMost(WAIT);
      relays.get(relays.size() - 1).kick();
      await().atMost(WAIT).until(() -> payloads(stream).size() == before + 1);
    }
  }

  /** The group reads {@code reads} entries and acknowledges the first {@code acknowledges}. */
  private void handle(String stream, String group, int reads, int acknowledges) {
    List<StreamEntry> read = read(stream, group, reads);
    acknowledge(stream, group, read.subList(0, acknowledges));
  }

  private List<StreamEntry> read(String stream, String group, int n) {
    List<StreamEntry> read = streams.readGroup(stream, group, "c", n, 0, ">").await().atMost(WAIT);
    assertEquals(n, read.size());
    return read;
  }

  private void acknowledge(String stream, String group, List<StreamEntry> entries) {
    streams.ack(stream, group, entries.stream().map(StreamEntry::id).toList()).await().atMost(WAIT);
  }

  /** Waits until the relay records every reader as through the row of {@code payload}. */
  private void awaitAcknowledgedThrough(OutboxRelay relay, String payload) {
    long id =
        pool.preparedQuery("SELECT id FROM relaytest.outbox WHERE payloads[1] = $1")
            .execute(Tuple.of(payload))
            .await()
            .atMost(WAIT)
            .iterator()
            .next()
            .getLong(0);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              relay.checkAcknowledgedNext();
              relay.kick();
              return acknowledgedId() == id;
            });
  }

  /**
   * The relay measures as the oldest event some reader has not acknowledged the one of {@code
   * payload}: its age, measured just before, give or take a moment.
   */
  private void assertUnacknowledgedSince(OutboxRelay relay, String payload) {
    relay.oldestWaitingMillis().await().atMost(WAIT);
    double measured = relay.lastUnacknowledgedSeconds();
    double age =
        pool.preparedQuery(
                "SELECT extract(epoch FROM clock_timestamp() - created_at)::float8"
                    + " FROM relaytest.outbox WHERE payloads[1] = $1")
            .execute(Tuple.of(payload))
            .await()
            .atMost(WAIT)
            .iterator()
            .next()
            .getDouble(0);
    assertTrue(
        measured > 0 && measured <= age && age - measured < 0.5,
        "measured " + measured + " s, the row of " + payload + " is " + age + " s old");
  }

  /** Waits until the relay has read, after now, how far its readers have acknowledged. */
  private static void awaitCheck(OutboxRelay relay) {
    long before = relay.acknowledgedChecks();
    relay.checkAcknowledgedNext();
    relay.kick();
    await().atMost(WAIT).until(() -> relay.acknowledgedChecks() > before);
  }

  private long acknowledgedId() {
    return cursor("acked_id");
  }

  /** A column of the relay's cursor. */
  private long cursor(String column) {
    return pool.query("SELECT " + column + " FROM relaytest.outbox_cursor")
        .execute()
        .await()
        .atMost(WAIT)
        .iterator()
        .next()
        .getLong(0);
  }

  private void flush() {
    redis.send(Request.cmd(Command.FLUSHDB)).await().atMost(WAIT);
  }

  /**
   * The payment events stream, made anew after the loss, comes to hold exactly {@code expected}
   * (sorted), and nothing more is published after them.
   */
  private void assertSentAgain(List<String> expected) {
    await().atMost(WAIT).until(() -> payloads(PAYMENTS).size() == expected.size());
    pause();
    assertEquals(expected, payloads(PAYMENTS));
  }

  /** Long enough for the relay to publish anything more it would. */
  private static void pause() {
    try {
      Thread.sleep(2 * OutboxRelay.SEQUENCE_CHECK_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The payloads in the stream, sorted (a payload published twice is there twice). */
  private List<String> payloads(String stream) {
    return streams.latest(stream, 10_000).await().atMost(WAIT).stream()
        .map(StreamEntry::payload)
        .sorted()
        .toList();
  }

  private static List<String> range(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).sorted().toList();
  }
}
