package io.paystream.shared.idempotency;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.sql.Purge;
import io.paystream.shared.sql.SqlParams;
import io.paystream.shared.testing.TcpProxy;
import io.paystream.shared.testing.TestDatabases;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claiming keys against the real PostgreSQL, many at once, as requests that arrive together do. */
class IdempotencyStoreTest {
  private static final String DB = "paystream_shared_idempotency_test";
  private static final String TABLE = "idem.idempotency_keys";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final UUID MERCHANT = UUID.randomUUID();
  private static final UUID OTHER_MERCHANT = UUID.randomUUID();
  private static final byte[] A = "request a".getBytes(StandardCharsets.UTF_8);
  private static final byte[] B = "request b".getBytes(StandardCharsets.UTF_8);
  private static final SecretBox BOX = SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);

  private Vertx vertx;
  private Pool pool;
  private IdempotencyStore store;

  @BeforeEach
  void setUp() throws Exception {
    TestDatabases.recreate(DB, "idem");
    vertx = Vertx.vertx();
    pool = TestDatabases.pool(vertx, DB, 4);
    sql("CREATE SCHEMA idem");
    sql(
        "CREATE TABLE "
            + TABLE
            + " (merchant_id uuid NOT NULL, key text NOT NULL, fingerprint bytea NOT NULL,"
            + " response_status int, response_body bytea, locked_until timestamptz,"
            + " created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,"
            + " PRIMARY KEY (merchant_id, key))");
    sql(
        "CREATE FUNCTION idem."
            + IdempotencyStore.TAKEN_OVER_FUNCTION
            + "() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'taken over' USING"
            + " ERRCODE = '"
            + IdempotencyStore.TAKEN_OVER_STATE
            + "'; END $$");
    sql("CREATE TABLE idem.changes (v text)");
    store = new IdempotencyStore(pool, TABLE, 86_400_000, 30_000);
  }

  @AfterEach
  void tearDown() {
    pool.closeAndAwait();
    vertx.closeAndAwait();
  }

  @Test
  void purgingDeletesEveryExpiredKeyHoweverManyAndKeepsTheRest() {
    int expired = 2 * Purge.BATCH + 500;
    sql(
        "INSERT INTO "
            + TABLE
            + " (merchant_id, key, fingerprint, created_at, expires_at) SELECT '"
            + MERCHANT
            + "', 'expired-' || i, '\\x00', now() - interval '25 hours',"
            + " now() - interval '1 hour' FROM generate_series(1, "
            + expired
            + ") i");
    claimAlone(MERCHANT, "live", A);
    assertEquals((long) expired, store.purgeExpired().await().atMost(Duration.ofSeconds(60)));
    assertEquals(1L, count("SELECT count(*) FROM " + TABLE, Tuple.tuple()));
  }

  @Test
  void claimsArrivingTogetherAreAnsweredAsIfOneCameAfterAnother() {
    // Stored before: a completed key, a key whose holder died (lock expired), an expired key.
    complete(MERCHANT, "done", claimAlone(MERCHANT, "done", A), 201, "{\"id\":\"pay_1\"}");
    claimAlone(MERCHANT, "orphan", A);
    sql("UPDATE " + TABLE + " SET locked_until = now() - interval '1 second' WHERE key = 'orphan'");
    complete(MERCHANT, "old", claimAlone(MERCHANT, "old", B), 201, "{\"id\":\"pay_old\"}");
    sql("UPDATE " + TABLE + " SET expires_at = now() - interval '1 second' WHERE key = 'old'");

    List<Uni<IdempotencyClaim>> calls = new ArrayList<>();
    calls.add(store.claim(MERCHANT, "new", A)); // 0: claims
    calls.add(store.claim(MERCHANT, "new", A)); // 1: the same request again: in flight
    calls.add(store.claim(MERCHANT, "new", B)); // 2: another request with the key: mismatch
    calls.add(store.claim(OTHER_MERCHANT, "new", B)); // 3: keys are per merchant: claims
    calls.add(store.claim(MERCHANT, "done", A)); // 4: replay
    calls.add(store.claim(MERCHANT, "done", A)); // 5: replay again
    calls.add(store.claim(MERCHANT, "done", B)); // 6: mismatch
    calls.add(store.claim(MERCHANT, "orphan", A)); // 7: takes the orphan over
    calls.add(store.claim(MERCHANT, "orphan", A)); // 8: then it is in flight
    calls.add(store.claim(MERCHANT, "old", A)); // 9: an expired key is claimed afresh
    calls.add(store.claim(MERCHANT, null, A)); // 10: no key
    for (int i = 0; i < 40; i++) {
      calls.add(store.claim(MERCHANT, "bulk-" + i, A)); // 11..50: all claimed
    }
    List<IdempotencyClaim> claims = Uni.join().all(calls).andFailFast().await().atMost(WAIT);

    assertInstanceOf(IdempotencyClaim.Claimed.class, claims.get(0));
    assertSame(IdempotencyClaim.IN_FLIGHT, claims.get(1));
    assertSame(IdempotencyClaim.MISMATCH, claims.get(2));
    assertInstanceOf(IdempotencyClaim.Claimed.class, claims.get(3));
    for (int i : new int[] {4, 5}) {
      IdempotencyClaim.Replay replay =
          assertInstanceOf(IdempotencyClaim.Replay.class, claims.get(i));
      assertEquals(201, replay.status());
      assertArrayEquals("{\"id\":\"pay_1\"}".getBytes(StandardCharsets.UTF_8), replay.body());
    }
    assertSame(IdempotencyClaim.MISMATCH, claims.get(6));
    assertInstanceOf(IdempotencyClaim.Claimed.class, claims.get(7));
    assertSame(IdempotencyClaim.IN_FLIGHT, claims.get(8));
    assertInstanceOf(IdempotencyClaim.Claimed.class, claims.get(9));
    assertSame(IdempotencyClaim.NONE, claims.get(10));
    for (int i = 11; i < claims.size(); i++) {
      assertInstanceOf(IdempotencyClaim.Claimed.class, claims.get(i), "claim " + i);
    }

    // The expired key holds the new request now, with its stored answer gone.
    assertEquals(
        1L,
        count(
            "SELECT count(*) FROM "
                + TABLE
                + " WHERE key = 'old' AND fingerprint = $1 AND response_body IS NULL",
            Tuple.of(io.vertx.core.buffer.Buffer.buffer(A))));
    assertEquals(
        44L,
        count("SELECT count(*) FROM " + TABLE + " WHERE response_status IS NULL", Tuple.tuple()));
  }

  @Test
  void aReleasedKeyCanBeClaimedAgain() {
    store.release(MERCHANT, "k", claimAlone(MERCHANT, "k", A)).await().atMost(WAIT);
    assertInstanceOf(
        IdempotencyClaim.Claimed.class, store.claim(MERCHANT, "k", B).await().atMost(WAIT));
    assertSame(IdempotencyClaim.MISMATCH, store.claim(MERCHANT, "k", A).await().atMost(WAIT));
  }

  @Test
  void aClaimThatLosesTheTakeOverOfAReleasedKeyFindsItInFlightNotAMismatch() throws Exception {
    store.release(MERCHANT, "k", claimAlone(MERCHANT, "k", A)).await().atMost(WAIT);
    // The corrected request, sent twice at once: one copy's claim takes the key over (here on
    // another connection, committed only once the other copy's claim waits for the key).
    SqlConnection other = pool.getConnection().await().atMost(WAIT);
    try {
      other.query("BEGIN").execute().await().atMost(WAIT);
      other
          .preparedQuery(
              "UPDATE "
                  + TABLE
                  + " SET fingerprint = $1, locked_until = now() + interval '30 seconds'"
                  + " WHERE key = 'k'")
          .execute(Tuple.of(Buffer.buffer(B)))
          .await()
          .atMost(WAIT);
      var copy = store.claim(MERCHANT, "k", B).subscribeAsCompletionStage();
      for (int i = 0;
          count(
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                      + " AND query LIKE '%claimed AS (INSERT%'",
                  Tuple.tuple())
              == 0;
          i++) {
        assertTrue(i < 300, "the claim never waited for the key");
        Thread.sleep(20);
      }
      other.query("COMMIT").execute().await().atMost(WAIT);
      assertSame(IdempotencyClaim.IN_FLIGHT, copy.toCompletableFuture().get(20, SECONDS));
    } finally {
      other.close().await().atMost(WAIT);
    }
  }

  /**
   * A failed request's key is released while a transaction that lost its client still holds the
   * key's row: the answer does not wait for it (PostgreSQL may take hours to learn the client is
   * gone), and the release lands once the lock is let go.
   */
  @Test
  void aReleaseWaitingForTheKeysRowDoesNotHoldUpTheAnswer() throws Exception {
    IdempotencyClaim claim = store.claim(MERCHANT, "locked", A).await().atMost(WAIT);
    OffsetDateTime lease = assertInstanceOf(IdempotencyClaim.Claimed.class, claim).lease();
    SqlConnection holder = pool.getConnection().await().atMost(WAIT);
    try {
      holder.query("BEGIN").execute().await().atMost(WAIT);
      holder
          .query("SELECT 1 FROM " + TABLE + " WHERE key = 'locked' FOR UPDATE")
          .execute()
          .await()
          .atMost(WAIT);
      assertReleasedInTime(store, "locked", lease, "the key's row still locked");
      holder.query("ROLLBACK").execute().await().atMost(WAIT);
      assertClaimedWithin10s("locked", "released once the lock was let go, in lease");
    } finally {
      holder.close().await().atMost(WAIT);
    }
  }

  /**
   * A release whose connection goes silent is answered after {@link IdempotencyStore#RELEASE_WAIT};
   * when it then fails, it is still tried again, and lands once PostgreSQL can be reached.
   */
  @Test
  void aReleaseThatFailsAfterTheAnswerWentIsTriedAgain() throws Exception {
    claimedThroughProxy(
        "silent",
        (proxy, away, lease) -> {
          proxy.freeze();
          assertReleasedInTime(away, "silent", lease, "its connection silent");
          proxy.cut(); // the release fails now, after its answer
          Thread.sleep(500);
          proxy.restore();
          assertClaimedWithin10s("silent", "tried again once PostgreSQL was back, well in lease");
        });
  }

  /**
   * A test's steps with a key claimed by {@code away}, whose way to PostgreSQL is {@code proxy}.
   */
  private interface ClaimedThroughProxy {
    void run(TcpProxy proxy, IdempotencyStore away, OffsetDateTime lease) throws Exception;
  }

  /**
   * Claims {@code key} by a store that reaches PostgreSQL through a proxy, then runs {@code steps}.
   */
  private void claimedThroughProxy(String key, ClaimedThroughProxy steps) throws Exception {
    try (TcpProxy proxy = TestDatabases.proxy()) {
      Pool cutOff = TestDatabases.pool(vertx, proxy, DB, 1);
      try {
        IdempotencyStore away = new IdempotencyStore(cutOff, TABLE, 86_400_000, 30_000);
        IdempotencyClaim claim = away.claim(MERCHANT, key, A).await().atMost(WAIT);
        steps.run(proxy, away, assertInstanceOf(IdempotencyClaim.Claimed.class, claim).lease());
      } finally {
        cutOff.closeAndAwait();
      }
    }
  }

  /**
   * Asserts that releasing {@code key} is answered within {@link IdempotencyStore#RELEASE_WAIT}.
   */
  private static void assertReleasedInTime(
      IdempotencyStore by, String key, OffsetDateTime lease, String during) {
    long started = System.nanoTime();
    by.release(MERCHANT, key, lease).await().atMost(WAIT);
    long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertTrue(
        tookMillis < IdempotencyStore.RELEASE_WAIT.toMillis() + 1_000,
        "answered after " + tookMillis + " ms, " + during);
  }

  /** Asserts that a retry of the request that left {@code key} claims it within 10 s. */
  private void assertClaimedWithin10s(String key, String why) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    IdempotencyClaim retry = store.claim(MERCHANT, key, A).await().atMost(WAIT);
    while (!(retry instanceof IdempotencyClaim.Claimed) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      retry = store.claim(MERCHANT, key, A).await().atMost(WAIT);
    }
    assertInstanceOf(IdempotencyClaim.Claimed.class, retry, why);
  }

  /**
   * A request fails because PostgreSQL is away, and so does the release of its key: the release is
   * made once PostgreSQL is back, so the client's retry is not told "still in flight" until the
   * lease runs out.
   */
  @Test
  void aKeyWhoseReleaseFailedIsReleasedOncePostgresIsBack() throws Exception {
    claimedThroughProxy(
        "cut",
        (proxy, away, lease) -> {
          proxy.cut();
          away.release(MERCHANT, "cut", lease).await().atMost(WAIT); // answers at once all the same
          assertInstanceOf(
              IdempotencyClaim.InFlight.class,
              store.claim(MERCHANT, "cut", A).await().atMost(WAIT),
              "not released while PostgreSQL is away");
          proxy.restore();
          assertClaimedWithin10s("cut", "released once back, well in lease");
        });
  }

  @Test
  void aRequestThatOutlivedItsLeaseChangesNothingOnceARetryTookItsKeyOver() {
    IdempotentRun run = new IdempotentRun(store, BOX);
    // The retry takes the key over and has not answered yet.
    OffsetDateTime retryLease =
        assertStalledRequestChangesNothing(run, "slow", Uni.createFrom()::item);
    // The retry still holds the key, and its own change and answer go through.
    complete(MERCHANT, "slow", retryLease, 201, "{\"id\":\"by the retry\"}");
    ApiResponse replay = run.run(MERCHANT, "slow", A, s -> null).await().atMost(WAIT);
    assertEquals("{\"id\":\"by the retry\"}", new String(replay.body(), UTF_8));
  }

  @Test
  void aRequestThatOutlivedItsLeaseChangesNothingOnceARetryTookItsKeyOverAndReleasedIt() {
    IdempotentRun run = new IdempotentRun(store, BOX);
    // The retry takes the key over and fails, releasing it.
    assertStalledRequestChangesNothing(
        run, "released", lease -> store.release(MERCHANT, "released", lease).replaceWith(lease));
    // The key is free: the next request claims it and makes its change.
    ApiResponse next =
        run.run(MERCHANT, "released", A, storing -> change(storing, "made by the next"))
            .await()
            .atMost(WAIT);
    assertEquals("{\"id\":\"made by the next\"}", new String(next.body(), UTF_8));
    assertEquals(
        1L, count("SELECT count(*) FROM idem.changes WHERE v = 'made by the next'", Tuple.tuple()));
  }

  /**
   * A request with {@code key} stalls past its lease (here: the lease is ended by hand), and the
   * client's retry takes the key over, then does {@code retry} with its lease, before the stalled
   * request's statement runs: that request answers 409 and its change is undone. Emits the retry's
   * lease.
   */
  private OffsetDateTime assertStalledRequestChangesNothing(
      IdempotentRun run, String key, Function<OffsetDateTime, Uni<OffsetDateTime>> retry) {
    OffsetDateTime[] retryLease = new OffsetDateTime[1];
    Uni<ApiResponse> slow =
        run.run(
            MERCHANT,
            key,
            A,
            storing ->
                takeOver(key)
                    .chain(lease -> retry.apply(lease))
                    .invoke(lease -> retryLease[0] = lease)
                    .chain(() -> change(storing, "made by the stalled request")));
    ApiException refused =
        assertThrows(ApiException.class, () -> slow.await().atMost(WAIT), "answered 409");
    assertEquals(ErrorCode.CONFLICT_ERROR, refused.code());
    assertEquals(0L, count("SELECT count(*) FROM idem.changes", Tuple.tuple()), "change undone");
    return retryLease[0];
  }

  @Test
  void aRequestThatOutlivedItsLeaseAndFailedLeavesTheKeyToTheRetry() {
    IdempotentRun run = new IdempotentRun(store, BOX);
    Uni<ApiResponse> slow =
        run.run(
            MERCHANT,
            "failing",
            A,
            storing ->
                takeOver("failing")
                    .chain(
                        () -> Uni.createFrom().failure(ApiException.badRequest("refused", null))));
    assertThrows(ApiException.class, () -> slow.await().atMost(WAIT));
    // Its release did not free the retry's claim: a third request still finds it in flight.
    assertSame(
        IdempotencyClaim.IN_FLIGHT, store.claim(MERCHANT, "failing", A).await().atMost(WAIT));
  }

  /** Ends the lease of the key's claim, and claims it again as a retry would; emits the lease. */
  private Uni<OffsetDateTime> takeOver(String key) {
    return pool.preparedQuery(
            "UPDATE " + TABLE + " SET locked_until = now() - interval '1 second' WHERE key = $1")
        .execute(Tuple.of(key))
        .chain(() -> store.claim(MERCHANT, key, A))
        .map(claim -> assertInstanceOf(IdempotencyClaim.Claimed.class, claim).lease());
  }

  /** A change and its stored answer in one statement, as services make them. */
  private Uni<ApiResponse> change(IdempotentRun.Storing storing, String value) {
    byte[] body = ("{\"id\":\"" + value + "\"}").getBytes(UTF_8);
    SqlParams p = new SqlParams();
    String sql =
        "WITH c AS (INSERT INTO idem.changes (v) VALUES ("
            + p.add(value)
            + ") RETURNING v)"
            + StoredResponse.cte(storing.response(201, body), p, "c")
            + " SELECT count(*) FROM c";
    return pool.preparedQuery(sql).execute(p.tuple()).map(rows -> ApiResponse.created(body));
  }

  @Test
  void workThatClaimsItsKeyRunsOnceAndALatelyUsedKeyGoesToTheClaim() {
    IdempotentRun run = new IdempotentRun(store, BOX);
    List<Boolean> claiming = new ArrayList<>(); // per call of the work: whether it claims its key
    Function<IdempotentRun.Storing, Uni<ApiResponse>> work =
        storing -> {
          StoredResponse r = storing.response(201, "{\"id\":\"pay_1\"}".getBytes(UTF_8));
          claiming.add(r.claimsKey());
          String insert =
              r.claimsKey()
                  ? store.insertAllSql(
                      "SELECT $1::uuid AS merchant_id, $2::text AS key, $3::bytea AS fingerprint,"
                          + " $4::int4 AS status, $5::bytea AS body")
                  : store.completeAllSql(
                      "SELECT $1::uuid AS merchant_id, $2::text AS key, $4::int4 AS status,"
                          + " $5::bytea AS body, $3::bytea AS unused");
          return pool.preparedQuery(insert)
              .execute(
                  Tuple.of(
                      r.merchantId(),
                      r.key(),
                      Buffer.buffer(r.claimsKey() ? r.fingerprint() : A),
                      r.status(),
                      Buffer.buffer(r.body())))
              .map(rows -> new ApiResponse(201, r.body(), false));
        };

    ApiResponse first = run.runClaiming(MERCHANT, "k1", A, work).await().atMost(WAIT);
    assertEquals(List.of(true), claiming, "the work claimed the key in its own statement");
    assertEquals(false, first.replayed());
    // The retry: this instance saw the key, so a claim answers it and the work does not run.
    ApiResponse retry = run.runClaiming(MERCHANT, "k1", A, work).await().atMost(WAIT);
    assertEquals(List.of(true), claiming);
    assertEquals(true, retry.replayed());
    assertArrayEquals(first.body(), retry.body());
    // The same key of another merchant is another key.
    run.runClaiming(OTHER_MERCHANT, "k1", A, work).await().atMost(WAIT);
    assertEquals(List.of(true, true), claiming);
  }

  @Test
  void workThatNeitherClaimsNorFindsItsKeyRunsAgainAfterAClaim() {
    IdempotentRun run = new IdempotentRun(store, BOX);
    List<Boolean> claiming = new ArrayList<>();
    ApiResponse answer =
        run.runClaiming(
                MERCHANT,
                "k2",
                A,
                storing -> {
                  StoredResponse r = storing.response(400, new byte[0]);
                  claiming.add(r.claimsKey());
                  // Refused the first time (nothing stored); the second time, with the key claimed.
                  return Uni.createFrom()
                      .item(r.claimsKey() ? null : new ApiResponse(200, new byte[0], false));
                })
            .await()
            .atMost(WAIT);
    assertEquals(List.of(true, false), claiming);
    assertEquals(200, answer.status());
    assertEquals(
        1L,
        count(
            "SELECT count(*) FROM " + TABLE + " WHERE key = 'k2' AND response_status IS NULL",
            Tuple.tuple()),
        "claimed by the claim, which the work would complete");
  }

  @Test
  void aResponseHoldingASecretIsStoredSealedAndReplayedOpened() {
    IdempotentRun run = new IdempotentRun(store, BOX);
    byte[] body = "{\"secret\":\"whsec_s3cr3t\"}".getBytes(UTF_8);
    List<Integer> runs = new ArrayList<>();
    Function<IdempotentRun.Storing, Uni<ApiResponse>> work =
        storing -> {
          runs.add(1);
          SqlParams p = new SqlParams();
          String sql = storing.response(200, body).sql(p, null);
          return pool.preparedQuery(sql)
              .execute(p.tuple())
              .map(rows -> new ApiResponse(200, body, false));
        };

    ApiResponse first = run.runSealed(MERCHANT, "rotate", A, work).await().atMost(WAIT);
    String stored =
        pool.preparedQuery(
                "SELECT convert_from(response_body, 'UTF8') FROM " + TABLE + " WHERE key = $1")
            .execute(Tuple.of("rotate"))
            .await()
            .atMost(WAIT)
            .iterator()
            .next()
            .getString(0);
    assertFalse(stored.contains("whsec_s3cr3t"), stored);
    assertEquals(new String(body, UTF_8), BOX.open(stored));

    ApiResponse replay = run.runSealed(MERCHANT, "rotate", A, work).await().atMost(WAIT);
    assertEquals(List.of(1), runs);
    assertEquals(true, replay.replayed());
    assertArrayEquals(first.body(), replay.body());

    // An answer stored before answers were sealed is replayed as it was stored.
    complete(
        MERCHANT,
        "before-sealing",
        claimAlone(MERCHANT, "before-sealing", A),
        200,
        "{\"secret\":\"whsec_old\"}");
    ApiResponse old = run.runSealed(MERCHANT, "before-sealing", A, work).await().atMost(WAIT);
    assertEquals(List.of(1), runs);
    assertEquals("{\"secret\":\"whsec_old\"}", new String(old.body(), UTF_8));
  }

  /** Claims a key; emits the claim's lease. */
  private OffsetDateTime claimAlone(UUID merchant, String key, byte[] fingerprint) {
    return assertInstanceOf(
            IdempotencyClaim.Claimed.class,
            store.claim(merchant, key, fingerprint).await().atMost(WAIT))
        .lease();
  }

  private void complete(UUID merchant, String key, OffsetDateTime lease, int status, String body) {
    SqlParams p = new SqlParams();
    String sql =
        store.completeSql(
            p, merchant, key, status, body.getBytes(StandardCharsets.UTF_8), null, lease);
    pool.preparedQuery(sql).execute(p.tuple()).await().atMost(WAIT);
  }

  private void sql(String sql) {
    pool.query(sql).execute().await().atMost(WAIT);
  }

  private long count(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).await().atMost(WAIT).iterator().next().getLong(0);
  }
}
