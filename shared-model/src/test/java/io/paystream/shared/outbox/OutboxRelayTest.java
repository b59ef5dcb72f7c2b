package io.paystream.shared.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.sql.Purge;
import io.paystream.shared.sql.SqlParams;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.TcpProxy;
import io.paystream.shared.testing.TestDatabases;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay against the real PostgreSQL and Redis: commit order, one publisher, take-over. */
class OutboxRelayTest {
  private static final String DB = "paystream_shared_test";
  private static final int REDIS_DB = 12;
  private static final String STREAM = "test:outbox";

  private Vertx vertx;
  private Redis redis;
  private Pool poolA;
  private Pool poolB;

  @BeforeEach
  void setUp() throws Exception {
    TestDatabases.recreate(DB, "relaytest");
    TestDatabases.flushRedis(REDIS_DB);
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestDatabases.redisUrl(REDIS_DB));
    poolA = pool();
    poolB = pool();
    RelayTables.create(poolA);
  }

  @AfterEach
  void tearDown() {
    poolA.closeAndAwait();
    poolB.closeAndAwait();
    redis.close();
    vertx.closeAndAwait();
  }

  @Test
  void aLaterCommitOfAnEarlierTransactionIsNeverSkipped() throws Exception {
    OutboxRelay relay = relay(poolA);
    relay.start();
    // A transaction takes its id first and commits last.
    SqlConnection slow = poolA.getConnection().await().indefinitely();
    slow.query("BEGIN").execute().await().indefinitely();
    insert(slow, "slow").await().indefinitely();
    for (int i = 0; i < 50; i++) {
      insert(poolB, "fast-" + i).await().indefinitely();
    }
    relay.kick();
    Thread.sleep(300);
    // Nothing behind the slow transaction is published before it ends: the cursor cannot pass it.
    assertEquals(List.of(), entries(), "published while an earlier transaction was open");
    // Committed rows wait meanwhile, and the relay says for how long (and keeps the figure for
    // its metric, which is unknown until first measured).
    assertTrue(Double.isNaN(relay.lastOldestWaitingSeconds()));
    long waiting = relay.oldestWaitingMillis().await().atMost(Duration.ofSeconds(5));
    assertTrue(waiting >= 250, "the fast rows have waited " + waiting + " ms");
    assertEquals(waiting / 1000.0, relay.lastOldestWaitingSeconds());
    slow.query("COMMIT").execute().await().indefinitely();
    slow.closeAndAwait();
    relay.kick();
    awaitPublished(51);
    assertEquals(0, relay.oldestWaitingMillis().await().atMost(Duration.ofSeconds(5)));
    assertEquals(51, entries().size(), "each row published once");
    Set<String> all = published();
    assertTrue(all.contains("slow"));
    for (int i = 0; i < 50; i++) {
      assertTrue(all.contains("fast-" + i));
    }
    relay.stop();
  }

  @Test
  void theLeadsConnectionEndedWhileIdleIsReplacedQuietly() throws Exception {
    OutboxRelay relay = relay(poolA);
    relay.start();
    insert(poolA, "before").await().indefinitely();
    relay.kick();
    awaitPublished(1);
    PrintStream stderr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      // The server ends the lead's idle connection (as it does to every connection when it stops).
      long ended =
          poolB
              .query(
                  "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_database d"
                      + " ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted"
                      + " AND d.datname = current_database() AND l.pid <> pg_backend_pid()")
              .execute()
              .await()
              .indefinitely()
              .iterator()
              .next()
              .getLong(0);
      assertEquals(1L, ended);
      Thread.sleep(300);
      insert(poolA, "after").await().indefinitely();
      relay.kick();
      awaitPublished(2); // the lead is taken again on a new connection
    } finally {
      System.setErr(stderr);
      relay.stop();
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    assertFalse(out.contains("PgException"), "printed: " + out);
  }

  @Test
  void theServerProbesTheLeadsConnectionSoThatADeadLeadsLockIsFreedSoon() throws Exception {
    OutboxRelay relay = relay(poolA);
    relay.start();
    try {
      insert(poolA, "one").await().indefinitely();
      relay.kick();
      awaitPublished(1);
      Duration wait = Duration.ofSeconds(5);
      assertEquals(
          String.valueOf(OutboxRelay.LEAD_KEEPALIVE_IDLE_SECONDS),
          relay.leadSetting("tcp_keepalives_idle").await().atMost(wait));
      assertEquals("5", relay.leadSetting("tcp_keepalives_interval").await().atMost(wait));
      assertEquals("3", relay.leadSetting("tcp_keepalives_count").await().atMost(wait));
      assertEquals("30000", relay.leadSetting("tcp_user_timeout").await().atMost(wait));
    } finally {
      relay.stop();
    }
  }

  @Test
  void trimmingKeepsWhatAConsumerGroupHasNotReadAndAcknowledged() throws Exception {
    RedisStreams streams = new RedisStreams(redis);
    streams.ensureGroup(STREAM, "slow").await().atMost(Duration.ofSeconds(5));
    OutboxRelay relay = relayKeepingFifty(streams);
    relay.start();
    for (int i = 0; i < 400; i++) {
      insert(poolA, "e-" + i).await().indefinitely();
    }
    relay.kick();
    awaitPublished(400);
    // The group has read nothing: a stream history of 50 entries keeps all 400.
    assertEquals(400L, relay.trim().await().atMost(Duration.ofSeconds(5)).get(STREAM));
    // It reads them all and has acknowledged the first 300; the other 100 are still pending.
    List<StreamEntry> read =
        streams.readGroup(STREAM, "slow", "c", 1000, 0, ">").await().atMost(Duration.ofSeconds(5));
    assertEquals(400, read.size());
    streams
        .ack(STREAM, "slow", read.subList(0, 300).stream().map(StreamEntry::id).toList())
        .await()
        .atMost(Duration.ofSeconds(5));
    relay.trim().await().atMost(Duration.ofSeconds(5));
    Set<String> kept = published();
    for (int i = 300; i < 400; i++) {
      assertTrue(kept.contains("e-" + i), "pending e-" + i + " was trimmed");
    }
    assertTrue(kept.size() < 400, "acknowledged entries beyond the history are trimmed");
    // Once everything is acknowledged, the stream comes down to about its history (whole nodes of
    // 100 entries).
    streams
        .ack(STREAM, "slow", read.subList(300, 400).stream().map(StreamEntry::id).toList())
        .await()
        .atMost(Duration.ofSeconds(5));
    long length = relay.trim().await().atMost(Duration.ofSeconds(5)).get(STREAM);
    assertTrue(length >= 50 && length <= 150, "stream holds " + length);
    relay.stop();
  }

  @Test
  void trimmingKeepsWhatAGroupMovedBackWillReadAgain() throws Exception {
    RedisStreams streams = new RedisStreams(redis);
    streams.ensureGroup(STREAM, "replaying").await().atMost(Duration.ofSeconds(5));
    OutboxRelay relay = relayKeepingFifty(streams);
    relay.start();
    for (int i = 0; i < 400; i++) {
      insert(poolA, "e-" + i).await().indefinitely();
    }
    relay.kick();
    awaitPublished(400);
    // The group read all 400 and acknowledged the first 300; then it was moved back to the start
    // to read everything again (a projection replay), its last 100 still pending.
    List<StreamEntry> read =
        streams
            .readGroup(STREAM, "replaying", "c", 1000, 0, ">")
            .await()
            .atMost(Duration.ofSeconds(5));
    streams
        .ack(STREAM, "replaying", read.subList(0, 300).stream().map(StreamEntry::id).toList())
        .await()
        .atMost(Duration.ofSeconds(5));
    redis
        .send(Request.cmd(Command.XGROUP).arg("SETID").arg(STREAM).arg("replaying").arg("0"))
        .await()
        .atMost(Duration.ofSeconds(5));
    assertEquals(400L, relay.trim().await().atMost(Duration.ofSeconds(5)).get(STREAM));
    relay.stop();
  }

  @Test
  void aStreamIsKeptWholeWhileOneOfItsKnownReadersHasNoGroup() throws Exception {
    String stream = Streams.PAYMENT_EVENTS;
    RedisStreams streams = new RedisStreams(redis);
    OutboxRelay relay = relayKeepingFifty(streams);
    // Redis lost its data, consumer groups included, while webhook-service was down:
    // refund-service, up, makes its group anew and reads all that the outbox re-drives.
    streams.ensureGroup(stream, Streams.REFUND_SERVICE).await().atMost(Duration.ofSeconds(5));
    relay.start();
    for (int i = 0; i < 400; i++) {
      insert(poolA, stream, "e-" + i).await().indefinitely();
    }
    relay.kick();
    awaitLength(stream, 400);
    assertEquals(400, readAndAcknowledge(streams, stream, Streams.REFUND_SERVICE));
    // With a history of 50, only webhook-service's missing group keeps the 400.
    assertEquals(400L, relay.trim().await().atMost(Duration.ofSeconds(5)).get(stream));
    // webhook-service comes back, makes its group from the start, and finds every event.
    streams.ensureGroup(stream, Streams.WEBHOOK_SERVICE).await().atMost(Duration.ofSeconds(5));
    assertEquals(400, readAndAcknowledge(streams, stream, Streams.WEBHOOK_SERVICE));
    // Every known reader has read everything: the stream comes down to about its history.
    long length = relay.trim().await().atMost(Duration.ofSeconds(5)).get(stream);
    assertTrue(length >= 50 && length <= 150, "stream holds " + length);
    relay.stop();
  }

  @Test
  void aStreamWithAKnownReaderWithoutGroupKeepsOnlyWhatTheOutboxWouldReDrive() throws Exception {
    String stream = Streams.PAYMENT_EVENTS;
    OutboxRelay relay =
        new OutboxRelay(
            vertx,
            poolA,
            new RedisStreams(redis),
            RelayOptions.of("relaytest.outbox")
                .withPollIntervalMillis(20)
                .withDefaultHistory(50)
                .withRetentionMillis(1_000));
    relay.start();
    for (int i = 0; i < 400; i++) {
      insert(poolA, stream, "e-" + i).await().indefinitely();
    }
    relay.kick();
    awaitLength(stream, 400);
    assertEquals(400L, relay.trim().await().atMost(Duration.ofSeconds(5)).get(stream));
    // Older than the outbox's retention, they would not come back from a re-drive either: a
    // reader that stays away does not make Redis hold them for ever.
    Thread.sleep(1_500);
    long length = relay.trim().await().atMost(Duration.ofSeconds(5)).get(stream);
    assertTrue(length <= 100, "stream holds " + length);
    relay.stop();
  }

  private void awaitLength(String stream, long n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (length(stream) < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(n, length(stream));
  }

  private long length(String stream) {
    return redis
        .send(Request.cmd(Command.XLEN).arg(stream))
        .await()
        .atMost(Duration.ofSeconds(5))
        .toLong();
  }

  /** Reads everything new in the group and acknowledges it; returns how many entries. */
  private static int readAndAcknowledge(RedisStreams streams, String stream, String group) {
    List<StreamEntry> read =
        streams.readGroup(stream, group, "c", 1000, 0, ">").await().atMost(Duration.ofSeconds(5));
    streams
        .ack(stream, group, read.stream().map(StreamEntry::id).toList())
        .await()
        .atMost(Duration.ofSeconds(5));
    return read.size();
  }

  @Test
  void redisLosingItsLatestWritesButNotItsTokenIsReDriven() throws Exception {
    OutboxRelay relay = publishingTwentyRows(poolA);
    // Redis goes back to an earlier state (a failover to a replica that was behind): the stream
    // and the publish counter as they were before, everything else (the epoch token) as it is.
    loseLatestWrites();
    insert(poolA, "after").await().indefinitely();
    relay.kick();
    // What Redis lost goes out again; the next publish noticed the counter had gone back.
    awaitPublished(21);
    relay.stop();
  }

  @Test
  void redisLosingItsLatestWritesIsReDrivenThoughNothingMoreIsPublished() throws Exception {
    OutboxRelay relay = publishingTwentyRows(poolA);
    loseLatestWrites();
    // No commit follows to notice it by: the quiet lead compares the counter its cursor records
    // with Redis's, and what Redis lost goes out again.
    awaitPublished(20);
    relay.stop();
  }

  @Test
  void redisLosingItsLatestWritesWithTheLeadIsReDrivenByTheNextOne() throws Exception {
    OutboxRelay first = publishingTwentyRows(poolA);
    // The lead and Redis go down together (a machine lost); Redis comes back without its last
    // writes, and the next lead never saw the counter they reached.
    first.stop();
    loseLatestWrites();
    OutboxRelay next = relay(poolB);
    next.start();
    awaitPublished(20);
    next.stop();
  }

  @Test
  void redisLosingItsLatestWritesWithTheLeadIsNoticedByTheNextOneThoughItHasRowsToPublish()
      throws Exception {
    OutboxRelay first = publishingTwentyRows(poolA);
    first.stop();
    loseLatestWrites();
    // Requests went on committing while the lead was gone: the next lead's first read has rows,
    // and the counter its first publish gets back is no higher than the one the cursor records.
    insert(poolB, "after").await().indefinitely();
    OutboxRelay next = relay(poolB);
    next.start();
    awaitPublished(21);
    next.stop();
  }

  @Test
  void aRelayWithNothingToPublishStaysHealthyWhileRedisIsOutOfReach() throws Exception {
    // Nothing listens on port 9: every Redis command fails.
    Redis unreachable = Redis.createClient(vertx, "redis://127.0.0.1:9");
    OutboxRelay relay =
        new OutboxRelay(
            vertx,
            poolA,
            new RedisStreams(unreachable),
            RelayOptions.of("relaytest.outbox").withPollIntervalMillis(20));
    relay.start();
    try {
      // Quiet cycles, each allowed to check the publish counter, which cannot be read.
      Thread.sleep(3 * OutboxRelay.SEQUENCE_CHECK_MILLIS);
      assertTrue(relay.isLeader());
      assertTrue(relay.isHealthy(), "a quiet relay counted Redis's absence as its own failure");
      // With something to publish, Redis's absence is the relay's failure.
      insert(poolA, "waiting").await().indefinitely();
      relay.kick();
      long deadline = System.currentTimeMillis() + 10_000;
      while (relay.isHealthy() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(relay.isHealthy());
    } finally {
      relay.stop();
      unreachable.close();
    }
  }

  @Test
  void rowsWrittenWhileRedisIsOutOfReachGoOutOnceEachInOrderWhenItIsBack() throws Exception {
    // Redis keeps its data; only the way to it is cut, for a while.
    String[] hostPort = TestDatabases.redis().split(":");
    try (TcpProxy proxy = TcpProxy.start(hostPort[0], Integer.parseInt(hostPort[1]))) {
      Redis throughProxy =
          Redis.createClient(vertx, "redis://127.0.0.1:" + proxy.port() + "/" + REDIS_DB);
      OutboxRelay relay =
          new OutboxRelay(
              vertx,
              poolA,
              new RedisStreams(throughProxy),
              RelayOptions.of("relaytest.outbox").withPollIntervalMillis(20));
      relay.start();
      try {
        insert(poolA, "before").await().indefinitely();
        relay.kick();
        awaitPublished(1);
        awaitRecorded(relay, 1);
        proxy.cut();
        List<String> whileCut = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          whileCut.add("while-cut-" + i);
          insert(poolA, "while-cut-" + i).await().indefinitely();
        }
        long cyclesAtCut = relay.cycleCount();
        relay.kick();
        // The relay tries again and again, and nothing gets through.
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.cycleCount() >= cyclesAtCut + 3);
        assertEquals(List.of("before"), oldestFirst());
        proxy.restore();
        List<String> expected = new ArrayList<>(List.of("before"));
        expected.addAll(whileCut);
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(50))
            .untilAsserted(
                () -> assertEquals(expected, oldestFirst(), "each once, in commit order"));
        assertEquals(0L, relay.backlog().await().atMost(Duration.ofSeconds(5)));
        assertEquals(expected, oldestFirst(), "each once, in commit order");
        assertTrue(relay.isHealthy());
      } finally {
        relay.stop();
        throughProxy.close();
      }
    }
  }

  /** The payloads of the stream, oldest first. */
  private List<String> oldestFirst() {
    List<String> out = new ArrayList<>();
    entries().forEach(e -> out.add(0, e.payload()));
    return out;
  }

  /** A relay on {@code pool}, started, that has published 20 rows. */
  private OutboxRelay publishingTwentyRows(Pool pool) throws InterruptedException {
    OutboxRelay relay = relay(pool);
    relay.start();
    for (int i = 0; i < 20; i++) {
      insert(pool, "kept-" + i).await().indefinitely();
    }
    relay.kick();
    awaitPublished(20);
    awaitRecorded(relay, 20);
    return relay;
  }

  /**
   * Waits until {@code relay} has heard Redis take its first {@code n} rows and moved the cursor
   * past them. Redis holds a batch before the relay hears so: a fault in between (the way to Redis
   * cut, the lead stopped) sends that batch again, at least once by design, which a test counting
   * entries must not read as a fault of its own.
   */
  private static void awaitRecorded(OutboxRelay relay, int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> relay.publishedCount() >= n);
  }

  @Test
  void aLossTheRelayReDroveAlreadyIsNotReDrivenAgainByTheEpochWatch() throws Exception {
    OutboxRelay relay = publishingTwentyRows(poolA);
    RedisEpochWatch watch = epochWatch(relay);
    assertEquals(0, watch.check().await().atMost(Duration.ofSeconds(5))); // its first token
    // Redis loses everything: the quiet relay notices by its counter and sends the twenty again.
    redis.send(Request.cmd(Command.FLUSHDB)).await().atMost(Duration.ofSeconds(5));
    awaitPublished(20);
    // The watch then finds a new token, for a loss the relay has made good already.
    assertEquals(0, watch.check().await().atMost(Duration.ofSeconds(5)));
    relay.kick();
    Thread.sleep(2 * OutboxRelay.SEQUENCE_CHECK_MILLIS);
    assertEquals(20, entries().size(), "every row went out once more, not twice");
    relay.stop();
  }

  @Test
  void aLossTheEpochWatchReDroveIsNotReDrivenAgainByTheRelay() throws Exception {
    OutboxRelay first = publishingTwentyRows(poolA);
    RedisEpochWatch watch = epochWatch(first);
    assertEquals(0, watch.check().await().atMost(Duration.ofSeconds(5)));
    first.stop();
    redis.send(Request.cmd(Command.FLUSHDB)).await().atMost(Duration.ofSeconds(5));
    // No relay runs: the watch is the first to notice, and re-drives.
    assertEquals(1, watch.check().await().atMost(Duration.ofSeconds(5)));
    OutboxRelay next = relay(poolB);
    next.start();
    awaitPublished(20);
    Thread.sleep(2 * OutboxRelay.SEQUENCE_CHECK_MILLIS);
    assertEquals(20, entries().size(), "every row went out once more, not twice");
    next.stop();
  }

  private RedisEpochWatch epochWatch(OutboxRelay relay) {
    return new RedisEpochWatch(
        vertx, poolA, redis, relay, "relaytest.redis_epoch", RelayOptions.of("relaytest.outbox"));
  }

  /** Redis back at an earlier state: the stream and the publish counter lost, the token kept. */
  private void loseLatestWrites() {
    redis.send(Request.cmd(Command.DEL).arg(STREAM)).await().atMost(Duration.ofSeconds(5));
    redis
        .send(Request.cmd(Command.SET).arg(Streams.relaySequenceKey("relaytest.outbox")).arg(0))
        .await()
        .atMost(Duration.ofSeconds(5));
  }

  @Test
  void commitsKickedInQuickSuccessionShareCycles() throws Exception {
    OutboxRelay relay = relay(poolA);
    relay.start();
    // A commit and a kick every few hundred microseconds, as under load.
    long before = relay.cycleCount();
    long start = System.nanoTime();
    for (int i = 0; i < 300; i++) {
      insert(poolA, "e-" + i).await().indefinitely();
      relay.kick();
    }
    awaitPublished(300);
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    long cycles = relay.cycleCount() - before;
    assertTrue(
        cycles <= elapsedMillis / OutboxRelay.MIN_CYCLE_GAP_MILLIS + 2,
        cycles + " cycles in " + elapsedMillis + " ms for 300 commits");
    relay.stop();
  }

  @Test
  void oneInstancePublishesAndAnotherTakesOverWhenItStops() throws Exception {
    OutboxRelay a = relay(poolA);
    OutboxRelay b = relay(poolB);
    a.start();
    Thread.sleep(200);
    b.start();
    for (int i = 0; i < 200; i++) {
      insert(i % 2 == 0 ? poolA : poolB, "e-" + i).await().indefinitely();
      (i % 2 == 0 ? a : b).kick();
    }
    awaitPublished(200);
    assertTrue(a.isLeader() ^ b.isLeader(), "exactly one leads");
    assertEquals(200, entries().size(), "each row published once");

    OutboxRelay leader = a.isLeader() ? a : b;
    OutboxRelay standby = leader == a ? b : a;
    leader.stop();
    for (int i = 200; i < 300; i++) {
      insert(poolA, "e-" + i).await().indefinitely();
    }
    standby.kick();
    awaitPublished(300);
    assertTrue(standby.isLeader());
    standby.stop();
  }

  @Test
  void aRelayStoppedWhilePublishingABacklogLetsGoOfTheLead() throws Exception {
    // Enough rows for many batches, so that the stop lands while batches follow one another.
    int rows = 80;
    int perRow = 250;
    insertRows(rows, perRow, "s-");
    OutboxRelay first =
        new OutboxRelay(
            vertx,
            poolA,
            new RedisStreams(redis),
            new RelayOptions("relaytest.outbox", 1, 20, 24 * 3_600_000L, Map.of(), 1_000_000));
    first.start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (first.publishedCount() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(1);
    }
    first.stop();
    long stoppedAt = first.publishedCount();
    assertTrue(stoppedAt > 0 && stoppedAt < rows, "stopped part way: " + stoppedAt);

    // The stopped relay neither goes on publishing nor keeps the lead: another one takes over.
    OutboxRelay second = relay(poolB);
    second.start();
    awaitPublished(rows * perRow);
    assertTrue(second.isLeader(), "the second relay took the lead");
    assertFalse(first.isLeader());
    assertTrue(first.publishedCount() <= stoppedAt + 1, "at most the batch in flight at the stop");
    second.stop();
  }

  @Test
  void theLeadPurgesEveryPublishedRowPastRetentionHoweverMany() throws Exception {
    // More rows past retention than one statement deletes, then rows of the last minutes, all
    // published (the cursor is past them).
    int old = 2 * Purge.BATCH + 500;
    insertPastRetention(old);
    sql(
        "INSERT INTO relaytest.outbox (streams, payloads) SELECT ARRAY['"
            + STREAM
            + "'], ARRAY['young-' || i] FROM generate_series(1, 10) i");
    publishedAll();
    OutboxRelay relay = relay(poolA);
    assertEquals(0L, relay.purge().await().atMost(Duration.ofSeconds(10)), "only the lead purges");
    relay.start();
    try {
      long deadline = System.currentTimeMillis() + 10_000;
      while (!relay.isLeader() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals((long) old, relay.purge().await().atMost(Duration.ofSeconds(60)));
      assertEquals(
          10L,
          poolA
              .query("SELECT count(*) FROM relaytest.outbox")
              .execute()
              .await()
              .atMost(Duration.ofSeconds(10))
              .iterator()
              .next()
              .getLong(0));
    } finally {
      relay.stop();
    }
  }

  @Test
  void aYoungRowAtTheHeadOfTheCommitOrderHoldsBackOnlyItselfFromThePurge() throws Exception {
    // First in commit order, a row not yet past retention (written when the database clock was
    // behind), then more rows past it than several statements delete, all published.
    sql(
        "INSERT INTO relaytest.outbox (streams, payloads, created_at) VALUES (ARRAY['"
            + STREAM
            + "'], ARRAY['young'], now() - interval '23 hours')");
    int old = 2 * Purge.BATCH + 500;
    insertPastRetention(old);
    publishedAll();
    OutboxRelay relay = relay(poolA);
    relay.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
      assertEquals((long) old, relay.purge().await().atMost(Duration.ofSeconds(60)));
      assertEquals(
          List.of("young"),
          poolA
              .query("SELECT payloads[1] AS p FROM relaytest.outbox")
              .execute()
              .await()
              .atMost(Duration.ofSeconds(10))
              .stream()
              .map(r -> r.getString("p"))
              .toList());
    } finally {
      relay.stop();
    }
  }

  private void sql(String statement) {
    poolA.query(statement).execute().await().atMost(Duration.ofSeconds(30));
  }

  /** {@code n} rows written two days ago, in one transaction. */
  private void insertPastRetention(int n) {
    sql(
        "INSERT INTO relaytest.outbox (streams, payloads, created_at) SELECT ARRAY['"
            + STREAM
            + "'], ARRAY['old-' || i], now() - interval '2 days' FROM generate_series(1, "
            + n
            + ") i");
  }

  /** Moves the cursor past every row, as if all were published. */
  private void publishedAll() {
    sql(
        "UPDATE relaytest.outbox_cursor SET last_txid = m.txid, last_id = m.id FROM (SELECT txid,"
            + " id FROM relaytest.outbox ORDER BY txid DESC, id DESC LIMIT 1) m");
  }

  @Test
  void aBacklogOfMoreEntriesThanTheRedisClientQueuesIsPublishedInOrder() throws Exception {
    // Rows as a group commit writes them: many events each. Together, more entries than the
    // client's waiting queue (2,048) and several of the relay's batches.
    int rows = 24;
    int perRow = 128;
    insertRows(rows, perRow, "b-");
    OutboxRelay relay = relay(poolA);
    relay.start();
    awaitPublished(rows * perRow);
    List<StreamEntry> newestFirst = entries();
    assertEquals(rows * perRow, newestFirst.size(), "each entry once");
    for (int i = 0; i < newestFirst.size(); i++) {
      assertEquals(
          "b-" + i, newestFirst.get(newestFirst.size() - 1 - i).payload(), "in commit order");
    }
    relay.stop();
  }

  /** {@code rows} outbox rows of {@code perRow} events each, payloads {@code prefix} + 0, 1, ... */
  private void insertRows(int rows, int perRow, String prefix) {
    for (int r = 0; r < rows; r++) {
      OutboxSql events = new OutboxSql(null, null, Timestamps.now());
      for (int i = 0; i < perRow; i++) {
        events.addEncoded(STREAM, prefix + (r * perRow + i));
      }
      SqlParams p = new SqlParams();
      poolA
          .preparedQuery(events.insertInto("relaytest.outbox", p, null))
          .execute(p.tuple())
          .await()
          .atMost(Duration.ofSeconds(10));
    }
  }

  private Uni<Void> insert(io.vertx.mutiny.sqlclient.SqlClient client, String payload) {
    return insert(client, STREAM, payload);
  }

  private Uni<Void> insert(
      io.vertx.mutiny.sqlclient.SqlClient client, String stream, String payload) {
    return RelayTables.insert(client, stream, payload);
  }

  /** A relay on poolA whose streams keep a history of 50 entries. */
  private OutboxRelay relayKeepingFifty(RedisStreams streams) {
    return new OutboxRelay(
        vertx,
        poolA,
        streams,
        RelayOptions.of("relaytest.outbox").withPollIntervalMillis(20).withDefaultHistory(50));
  }

  private OutboxRelay relay(Pool pool) {
    return new OutboxRelay(
        vertx,
        pool,
        new RedisStreams(redis),
        RelayOptions.of("relaytest.outbox").withPollIntervalMillis(20));
  }

  private Pool pool() {
    return TestDatabases.pool(vertx, DB, 4);
  }

  private List<StreamEntry> entries() {
    return new RedisStreams(redis).latest(STREAM, 100_000).await().atMost(Duration.ofSeconds(5));
  }

  private Set<String> published() {
    Set<String> out = new HashSet<>();
    entries().forEach(e -> out.add(e.payload()));
    return out;
  }

  private void awaitPublished(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (published().size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(n, published().size());
  }
}
