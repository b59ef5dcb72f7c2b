package io.paystream.webhooks.repository;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.delivery.AttemptRecord;
import io.paystream.webhooks.delivery.AttemptWriter;
import io.paystream.webhooks.delivery.DeliveryScheduler;
import io.paystream.webhooks.delivery.DueDelivery;
import io.paystream.webhooks.delivery.InFlight;
import io.paystream.webhooks.repository.DeliveryRepository.Claimed;
import io.paystream.webhooks.repository.DeliveryRepository.Lease;
import io.paystream.webhooks.repository.DeliveryRepository.Room;
import io.paystream.webhooks.service.WorkStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Due deliveries of an endpoint without room are parked in its own queue: a claim looking for other
 * endpoints' work reads at most a batch, however long that backlog is, and the parked ones come
 * back, oldest first, to whichever instance has room for their endpoint. The scheduler is stopped
 * while these run, so that only the claims made here touch the rows.
 */
@QuarkusTest
class ParkingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = 100;
  private static final UUID LOWEST = new UUID(0, 0);

  /**
   * The same scattered order on disk every run (7919 is prime: a permutation of any row count not a
   * multiple of it), far from the order of the rows' times.
   */
  private static final String SCATTERED = "ORDER BY (d.ord * 7919) % (cardinality($1::uuid[]) + 1)";

  @Inject RedisStreams streams;
  @Inject Pool pool;
  @Inject DeliveryRepository deliveries;
  @Inject DeliveryScheduler scheduler;
  @Inject WebhooksConfig config;
  @Inject CountsRepository counts;
  @Inject InFlight inFlight;
  @Inject AttemptWriter attempts;

  private Merchant merchant;
  private UUID slow;
  private UUID other;

  @BeforeEach
  void stopSchedulerAndMakeEndpoints() {
    scheduler.stop();
    // The claims here read the whole queue: what earlier tests left pending (retries still due
    // later) would be claimed and read with this test's rows. Once their attempts in flight have
    // been written, they are put off by a day (kept, with their attempt log).
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                scalar(
                        "SELECT count(*) FROM webhooks.deliveries WHERE status = 'pending'"
                            + " AND lease_token IS NOT NULL AND run_at > now()",
                        Tuple.tuple())
                    == 0);
    sql(
        "UPDATE webhooks.deliveries SET run_at = now() + interval '1 day', parked = false"
            + " WHERE status = 'pending'",
        Tuple.tuple());
    merchant = new Publisher(streams).merchant("whsec_test_abc123");
    slow = UUID.fromString(Publisher.endpoint(merchant, "http://127.0.0.1:9/slow"));
    other = UUID.fromString(Publisher.endpoint(merchant, "http://127.0.0.1:9/other"));
  }

  @AfterEach
  void dropRowsAndRestartScheduler() {
    sql(
        "DELETE FROM webhooks.delivery_attempts WHERE delivery_id IN"
            + " (SELECT id FROM webhooks.deliveries WHERE merchant_id = $1)",
        Tuple.of(merchant.id()));
    sql("DELETE FROM webhooks.deliveries WHERE merchant_id = $1", Tuple.of(merchant.id()));
    scheduler.start();
  }

  @Test
  void theBacklogOfAnEndpointWithoutRoomIsParkedAndNoLongerReadByClaims() throws Exception {
    int backlog = 1_500;
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    insertDue(slow, backlog, now.minus(Duration.ofHours(1)));
    insertDue(other, 3, now.minusSeconds(1)); // due after the whole backlog
    finished(other, 20_000); // a table of realistic shape: mostly finished deliveries
    sql("ANALYZE webhooks.deliveries", Tuple.tuple());

    int share = share();
    Room slowFull = room(Set.of(slow), Map.of(slow, share));
    List<Long> readPerRound = new ArrayList<>();
    while (leased(other) < 3 && readPerRound.size() < 40) {
      readPerRound.add(rowsReadByClaim(slowFull));
    }

    long bound = 3L * LIMIT + 2L * share;
    for (long read : readPerRound) {
      assertTrue(
          read <= bound, "a claim read " + read + " deliveries rows; rounds: " + readPerRound);
    }
    assertEquals(3, leased(other), "the other endpoint's deliveries were claimed");
    assertEquals(0, leased(slow), "nothing leased for the endpoint without room");
    assertEquals(backlog, parked(slow), "its whole backlog was parked on the way");
    // Parked, the backlog is out of the way: a claim with nothing else due reads next to nothing.
    long idle = rowsReadByClaim(slowFull);
    assertTrue(idle <= 10, "an idle claim read " + idle + " rows of a parked backlog");
  }

  @Test
  void parkedDeliveriesGoOldestFirstToAnInstanceWithRoomForTheirEndpoint() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<UUID> dueOrder = insertDue(slow, 20, now.minus(Duration.ofMinutes(5)));
    int share = share();
    Claimed first = claim(room(Set.of(slow), Map.of(slow, share)));
    assertEquals(0, first.leased().size());
    assertEquals(20, first.parked());
    assertEquals(20, parked(slow));

    // This instance gets room for three more attempts there: the three oldest come back.
    Claimed three = claim(room(Set.of(), Map.of(slow, share - 3)));
    assertEquals(Set.copyOf(dueOrder.subList(0, 3)), ids(three.leased()));
    assertEquals(0, three.parked());
    assertEquals(17, parked(slow));

    // Another instance, attempting nothing there, takes up to its share of the next ones.
    Claimed next = claim(room(Set.of(), Map.of()));
    assertEquals(Set.copyOf(dueOrder.subList(3, 3 + Math.min(share, 17))), ids(next.leased()));
    assertEquals(17 - Math.min(share, 17), parked(slow));
  }

  @Test
  void anAttemptWrittenAfterItsRowWasParkedMovesItOnToItsNextDueTimeNotToTheNextClaim() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    UUID id = insertDue(slow, 1, now.minusSeconds(5)).get(0);
    // An instance leases it...
    DueDelivery leased = claim(room(Set.of(), Map.of())).leased().get(0);
    assertEquals(id, leased.id());
    // ... and its lease runs out while the attempt is still being made (a long database outage),
    // and another instance, without room for the endpoint, parks the delivery.
    sql(
        "UPDATE webhooks.deliveries SET run_at = now() - interval '1 second' WHERE id = $1",
        Tuple.of(id));
    assertEquals(1, claim(room(Set.of(slow), Map.of(slow, share()))).parked());
    // The first instance writes its attempt, failed: the next one is due in a minute.
    DeliveryRepository.Finished written =
        deliveries
            .finish(
                List.of(
                    new AttemptRecord(
                        id,
                        leased.leaseToken(),
                        1,
                        now,
                        500,
                        5,
                        null,
                        null,
                        "pending",
                        now.plus(Duration.ofMinutes(1)),
                        "http://127.0.0.1:9/slow")))
            .await()
            .atMost(Duration.ofSeconds(10));
    assertEquals(Set.of(id), written.applied());
    // No claim with room takes it before then.
    assertEquals(0, claim(room(Set.of(), Map.of())).leased().size());
    assertEquals(0, parked(slow));
    assertEquals(
        1,
        scalar(
            "SELECT attempts FROM webhooks.deliveries WHERE id = $1 AND run_at > now()",
            Tuple.of(id)));
  }

  @Test
  void aRoundParkingALongBacklogStatementAfterStatementIsSeenStepping() throws Exception {
    int backlog = 30_000;
    insertDue(slow, backlog, Instant.now().minus(Duration.ofHours(1)));
    sql("ANALYZE webhooks.deliveries", Tuple.tuple());
    long started = System.currentTimeMillis();
    long worstGap = 0;
    boolean alwaysHealthy = true;
    scheduler.start();
    // One round goes through the whole due backlog, a claim statement at a time: it leases the
    // endpoint's share and parks the rest (attempts that fail send their deliveries to later).
    long checked = 0;
    while (System.currentTimeMillis() - started < 120_000) {
      worstGap = Math.max(worstGap, scheduler.millisSinceLastStep());
      alwaysHealthy &= scheduler.isHealthy();
      if (System.currentTimeMillis() - checked >= 500) {
        checked = System.currentTimeMillis();
        if (count("NOT parked AND run_at <= now()", slow) == 0) {
          break;
        }
      }
      Thread.sleep(10);
    }
    long round = System.currentTimeMillis() - started;
    scheduler.stop();
    // The attempts it started end and are written before the test's rows are deleted.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> inFlight.total() == 0 && attempts.waiting() == 0);
    assertEquals(0, count("NOT parked AND run_at <= now()", slow), "due after " + round + " ms");
    assertTrue(
        worstGap < Math.max(1_000, round / 2),
        "no step for " + worstGap + " ms in a round of " + round + " ms");
    assertTrue(alwaysHealthy);
  }

  @Test
  void theMetricsTellDeliveriesWaitingForAnyInstanceFromThoseParkedBehindTheirEndpoint() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    insertDue(slow, 20, now.minus(Duration.ofMinutes(5)));
    int share = share();
    claim(room(Set.of(slow), Map.of(slow, share)));
    assertEquals(20, parked(slow), "behind their endpoint's share");
    insertDue(other, 3, now.minusSeconds(10)); // due, and any instance may take them
    insertDue(other, 4, now.plus(Duration.ofHours(1))); // not due yet
    AtomicLong clock = new AtomicLong(1_000_000);
    WorkStatus status = new WorkStatus(counts, inFlight, clock::get);
    assertTrue(Double.isNaN(status.unclaimed()), "nothing read yet: " + status.unclaimed());

    // Due 100 ms ago: past due, but not late by the API's promise (1 s) when counted at once.
    long start = System.nanoTime();
    insertDue(other, 1, Instant.now().minusMillis(100));
    long pending = scalar("SELECT count(*) FROM webhooks.deliveries WHERE status = 'pending'");
    status.ownCounts().await().atMost(Duration.ofSeconds(10));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(pending, status.pending());
    assertEquals(24, status.dueBacklog(), "past due, not taken: parked or not");
    assertEquals(
        tookMillis < 900 ? 3 : 4,
        status.unclaimed(),
        "more than a second past due and waiting for any instance (counted after "
            + tookMillis
            + " ms)");

    clock.addAndGet(WorkStatus.FRESH_MILLIS);
    assertFalse(Double.isNaN(status.unclaimed()), "still fresh");
    clock.incrementAndGet();
    assertTrue(Double.isNaN(status.pending()), "stale: " + status.pending());
    assertTrue(Double.isNaN(status.dueBacklog()), "stale: " + status.dueBacklog());
    assertTrue(Double.isNaN(status.unclaimed()), "stale: " + status.unclaimed());
  }

  @Test
  void newDeliveriesOfAnEndpointWithoutRoomAreParkedAtOnceTheOthersLeased() {
    int share = share();
    DeliveryRepository.Created created = createOneEvent(room(Set.of(slow), Map.of(slow, share)));

    assertEquals(List.of(other), created.leased().stream().map(DueDelivery::endpointId).toList());
    assertEquals(1, created.waiting());
    assertEquals(1, parked(slow));
    assertEquals(0, parked(other));
  }

  @Test
  void aMerchantAtItsShareHasItsDueDeliveriesParkedWhileAnotherMerchantsAreLeased() {
    Merchant second = new Publisher(streams).merchant("whsec_test_abc123");
    UUID elsewhere = UUID.fromString(Publisher.endpoint(second, "http://127.0.0.1:9/elsewhere"));
    try {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      List<UUID> first = insertDue(other, 5, now.minusSeconds(10)); // due before the others
      List<UUID> others = insertDue(second.id(), elsewhere, 3, now.minusSeconds(5));
      int perMerchant = 4;
      // This instance runs as many attempts for the first merchant as it may (its endpoints all
      // hang, say), none at this endpoint.
      Claimed claimed =
          claim(
              new Room(
                  Set.of(), Map.of(), share(), Map.of(merchant.id(), perMerchant), perMerchant));
      assertEquals(Set.copyOf(others), ids(claimed.leased()));
      assertEquals(5, claimed.parked());
      assertEquals(5, parked(other), "out of the shared queue until the merchant has room");

      // Room for two more of the first merchant's attempts: its two oldest come back.
      Claimed two =
          claim(
              new Room(
                  Set.of(),
                  Map.of(),
                  share(),
                  Map.of(merchant.id(), perMerchant - 2),
                  perMerchant));
      assertEquals(Set.copyOf(first.subList(0, 2)), ids(two.leased()));
      assertEquals(3, parked(other));
    } finally {
      sql("DELETE FROM webhooks.deliveries WHERE merchant_id = $1", Tuple.of(second.id()));
    }
  }

  @Test
  void aMerchantsShareIsSpentOnlyOnDeliveriesItsEndpointsHaveRoomFor() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    insertDue(slow, 10, now.minusSeconds(20)); // first due, but their endpoint is at its share
    List<UUID> due = insertDue(other, 5, now.minusSeconds(10));
    int share = share();
    // The merchant's attempts in flight are the slow endpoint's; two more fit in its share.
    Claimed claimed =
        claim(
            new Room(
                Set.of(slow), Map.of(slow, share), share, Map.of(merchant.id(), share), share + 2));
    assertEquals(Set.copyOf(due.subList(0, 2)), ids(claimed.leased()));
    assertEquals(10, parked(slow));
    assertEquals(3, parked(other));
  }

  @Test
  void newDeliveriesOfAMerchantWithoutRoomAreParkedAtOnce() {
    // Both endpoints have room; the merchant has room for one more attempt.
    DeliveryRepository.Created created =
        createOneEvent(new Room(Set.of(), Map.of(), share(), Map.of(merchant.id(), 1), 2));
    assertEquals(1, created.leased().size());
    assertEquals(1, created.waiting());
    assertEquals(1, parked(slow) + parked(other));
  }

  @Test
  void claimsReachTheParkedBacklogsOfEveryEndpointWhereverTheirWalksStart() {
    // Endpoints with parked deliveries, in the order of their ids, each due a moment after the one
    // before; this instance has no room for as many of the first as a claim visits at least.
    int window = DeliveryRepository.WINDOW;
    List<UUID> endpoints = new ArrayList<>();
    for (int i = 0; i < window + 3; i++) {
      endpoints.add(UUID.fromString(Publisher.endpoint(merchant, "http://127.0.0.1:9/p" + i)));
    }
    endpoints = // in PostgreSQL's order of uuids (by their bytes), not Java's
        sql(
                "SELECT id FROM unnest($1::uuid[]) AS u(id) ORDER BY id",
                Tuple.of(endpoints.toArray(UUID[]::new)))
            .stream()
            .map(r -> r.getUUID("id"))
            .toList();
    Instant due = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(60);
    for (int i = 0; i < endpoints.size(); i++) {
      insertDue(endpoints.get(i), 1, due.plusMillis(i));
    }
    sql(
        "UPDATE webhooks.deliveries SET parked = true WHERE endpoint_id = ANY($1::uuid[])",
        Tuple.of(endpoints.toArray(UUID[]::new)));
    int share = share();
    Map<UUID, Integer> busy = new HashMap<>();
    endpoints.subList(0, window).forEach(e -> busy.put(e, share));
    Room room = room(busy.keySet(), busy);

    // Started at the lowest id, a claim meets only those without room, every time.
    assertEquals(Set.of(), endpointsOf(claim(2, room, LOWEST)));
    // Started elsewhere, it reaches the others, in id order.
    assertEquals(
        Set.of(endpoints.get(window), endpoints.get(window + 1)),
        endpointsOf(claim(2, room, endpoints.get(window))));
    // Past the last id, it goes on from the first (here on an instance with room everywhere).
    UUID highest = new UUID(-1L, -1L);
    assertEquals(
        Set.of(endpoints.get(0), endpoints.get(1)),
        endpointsOf(claim(2, room(Set.of(), Map.of()), highest)));
    assertEquals(1, parked(endpoints.get(window + 2)));
  }

  /**
   * Deliveries this instance holds (attempted, their outcome not yet written) are left alone by its
   * claims though their leases ran out, in the shared queue and parked alike; once let go, they are
   * claimed.
   */
  @Test
  void deliveriesThisInstanceHoldsAreLeftAloneByItsClaims() {
    Instant leaseEnded = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(5);
    List<UUID> queued = insertDue(other, 2, leaseEnded);
    UUID parked = insertDue(slow, 1, leaseEnded).get(0);
    sql("UPDATE webhooks.deliveries SET parked = true WHERE id = $1", Tuple.of(parked));
    Set<UUID> held = Set.of(queued.get(0), parked);

    Claimed claimed =
        claim(new Room(Set.of(), Map.of(), share(), Map.of(), Integer.MAX_VALUE, held));
    assertEquals(Set.of(queued.get(1)), ids(claimed.leased()), "only the one not held");

    assertEquals(held, ids(claim(room(Set.of(), Map.of())).leased()), "let go, then claimed");
  }

  /**
   * Creates the deliveries of one new event of the merchant (one per endpoint), leasing within
   * {@code room}.
   */
  private DeliveryRepository.Created createOneEvent(Room room) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return deliveries
        .create(
            List.of(Publisher.newEvent(merchant.id(), now)),
            new Lease(UUID.randomUUID(), now, now.plusSeconds(30)),
            100,
            room)
        .await()
        .atMost(Duration.ofSeconds(10));
  }

  private static Set<UUID> endpointsOf(Claimed claimed) {
    return claimed.leased().stream().map(DueDelivery::endpointId).collect(Collectors.toSet());
  }

  private int share() {
    return config.delivery().maxInFlightPerEndpoint();
  }

  /** Room for the attempts in flight per endpoint {@code busy}, none for a merchant yet. */
  private Room room(Set<UUID> full, Map<UUID, Integer> busy) {
    return new Room(full, busy, share(), Map.of(), Integer.MAX_VALUE);
  }

  /**
   * Inserts {@code n} pending deliveries due 1 ms apart from {@code from}, in no particular order
   * on disk (as in a table that has lived a while); their ids in due order.
   */
  private List<UUID> insertDue(UUID endpoint, int n, Instant from) {
    return insertDue(merchant.id(), endpoint, n, from);
  }

  private List<UUID> insertDue(UUID merchantId, UUID endpoint, int n, Instant from) {
    List<UUID> ids = randomIds(n);
    sql(
        "INSERT INTO webhooks.deliveries (id, merchant_id, endpoint_id, endpoint_url, event_id,"
            + " event_type, payload, status, attempts, next_retry_at, run_at, created_at,"
            + " updated_at) SELECT d.id, $2, $3, 'http://127.0.0.1:9/', 'evt_' || d.id,"
            + " 'payment.success', '\\x7b7d'::bytea, 'pending', 0,"
            + " $4 + (d.ord - 1) * interval '1 millisecond',"
            + " $4 + (d.ord - 1) * interval '1 millisecond', $4, $4"
            + " FROM unnest($1::uuid[]) WITH ORDINALITY AS d(id, ord) "
            + SCATTERED,
        Tuple.of(ids.toArray(UUID[]::new), merchantId, endpoint, Rows.timestamp(from)));
    return ids;
  }

  /**
   * Makes {@code n} deliveries that were attempted over the last day and succeeded, the way
   * deliveries finish: leased, then their attempts written by {@link DeliveryRepository#finish}.
   */
  private void finished(UUID endpoint, int n) {
    UUID token = UUID.randomUUID();
    List<UUID> ids = randomIds(n);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    sql(
        "INSERT INTO webhooks.deliveries (id, merchant_id, endpoint_id, endpoint_url, event_id,"
            + " event_type, payload, status, attempts, next_retry_at, run_at, lease_token,"
            + " created_at, updated_at) SELECT d.id, $2, $3, 'http://127.0.0.1:9/', 'evt_' || d.id,"
            + " 'payment.success', '\\x7b7d'::bytea, 'pending', 0, $4, $5, $6, $4, $4"
            + " FROM unnest($1::uuid[]) WITH ORDINALITY AS d(id, ord) "
            + SCATTERED,
        Tuple.from(
            List.of(
                ids.toArray(UUID[]::new),
                merchant.id(),
                endpoint,
                Rows.timestamp(now.minus(Duration.ofDays(1))),
                Rows.timestamp(now.plusSeconds(30)),
                token)));
    Random random = new Random(6);
    List<AttemptRecord> attempts = new ArrayList<>();
    for (UUID id : ids) {
      Instant at = now.minusMillis(random.nextInt((int) Duration.ofDays(1).toMillis()));
      attempts.add(
          new AttemptRecord(
              id, token, 1, at, 200, 5, null, null, "success", null, "http://127.0.0.1:9/"));
    }
    for (int from = 0; from < n; from += 2_000) {
      int to = Math.min(n, from + 2_000);
      assertEquals(
          to - from,
          deliveries
              .finish(attempts.subList(from, to))
              .await()
              .atMost(Duration.ofSeconds(30))
              .applied()
              .size());
    }
  }

  private Claimed claim(Room room) {
    return claim(LIMIT, room, LOWEST);
  }

  private Claimed claim(int limit, Room room, UUID walkFrom) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return deliveries
        .claim(limit, room, new Lease(UUID.randomUUID(), now, now.plusSeconds(30)), walkFrom)
        .await()
        .atMost(Duration.ofSeconds(10));
  }

  /**
   * Runs one claim (committed, as the scheduler would) under {@code EXPLAIN ANALYZE}, and returns
   * the rows of {@code deliveries} its plan's scans read: returned, or read and removed by a
   * filter, in every loop.
   */
  private long rowsReadByClaim(Room room) throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Tuple args =
        DeliveryRepository.claimArgs(
            LIMIT, room, new Lease(UUID.randomUUID(), now, now.plusSeconds(30)), LOWEST);
    Row plan =
        pool.withTransaction(
                c ->
                    c.preparedQuery(
                            "EXPLAIN (ANALYZE, FORMAT JSON) " + DeliveryRepository.CLAIM_SQL)
                        .execute(args))
            .await()
            .atMost(Duration.ofSeconds(30))
            .iterator()
            .next();
    return rowsOfDeliveries(JSON.readTree(plan.getValue(0).toString()).get(0).get("Plan"));
  }

  private static long rowsOfDeliveries(JsonNode node) {
    long read = 0;
    if ("deliveries".equals(node.path("Relation Name").asText())
        && node.path("Node Type").asText().contains("Scan")) {
      long perLoop =
          node.path("Actual Rows").asLong()
              + node.path("Rows Removed by Filter").asLong()
              + node.path("Rows Removed by Index Recheck").asLong();
      read += perLoop * Math.max(1, node.path("Actual Loops").asLong());
    }
    for (JsonNode child : node.path("Plans")) {
      read += rowsOfDeliveries(child);
    }
    return read;
  }

  private long leased(UUID endpoint) {
    return count("lease_token IS NOT NULL", endpoint);
  }

  private long parked(UUID endpoint) {
    return count("parked", endpoint);
  }

  private long count(String condition, UUID endpoint) {
    return scalar(
        "SELECT count(*) FROM webhooks.deliveries WHERE status = 'pending' AND endpoint_id = $1"
            + " AND "
            + condition,
        Tuple.of(endpoint));
  }

  /** The one number a query answers. */
  private long scalar(String sql) {
    return scalar(sql, Tuple.tuple());
  }

  private long scalar(String sql, Tuple args) {
    return sql(sql, args).iterator().next().getLong(0);
  }

  private static List<UUID> randomIds(int n) {
    List<UUID> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(UUID.randomUUID());
    }
    return ids;
  }

  /** The deliveries a claim leased (it returns them in no particular order). */
  private static Set<UUID> ids(List<DueDelivery> due) {
    return due.stream().map(DueDelivery::id).collect(Collectors.toSet());
  }

  private io.vertx.mutiny.sqlclient.RowSet<Row> sql(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(30));
  }
}
