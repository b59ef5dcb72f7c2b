package io.paystream.webhooks.repository;

import io.paystream.webhooks.delivery.AttemptRecord;
import io.paystream.webhooks.delivery.DueDelivery;
import io.paystream.webhooks.delivery.NewEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The workers' side of deliveries: created from events, claimed when due, finished by attempts.
 * Each of these is one statement, whatever the number of rows.
 */
@ApplicationScoped
public class DeliveryRepository {
  private static final String MERCHANT_SECRETS =
      "m.signing_secret_sealed, m.previous_secret_sealed, m.previous_secret_valid_until,"
          + " m.earlier_secrets, m.secret_rotated_at";

  /**
   * One delivery per event and matching live endpoint that existed when the event happened (never a
   * second one: the unique key). An endpoint created later gets none: an event re-driven after
   * Redis lost its streams comes back up to a day after it happened, and is no news to an endpoint
   * added since. A minute's leeway covers clocks that differ between services. As many rows as this
   * instance has room for ({@code $11} in all, {@code $12} per endpoint less what it runs there,
   * {@code $9}/{@code $10}, {@code $16} per merchant less what it runs for it, {@code $14}/{@code
   * $15}) are leased to it at once ({@code $7}/{@code $8}), so that their first attempt needs no
   * claim; the others wait for a claim, parked if their endpoint or merchant has no room here.
   */
  private static final String CREATE_SQL =
      "WITH ev AS (SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::bytea[],"
          + " $5::text[], $13::timestamptz[]) WITH ORDINALITY AS ev(event_id, merchant_id,"
          + " event_type, payload, request_id, occurred_at, ord)),"
          + " x AS (SELECT ev.*, e.id AS endpoint_id, e.url,"
          + " row_number() OVER (PARTITION BY e.id ORDER BY ev.ord) AS rn_endpoint,"
          + " row_number() OVER (ORDER BY ev.ord, e.id) AS rn_all FROM ev JOIN "
          + Tables.ENDPOINTS
          + " e ON e.merchant_id = ev.merchant_id AND e.enabled AND e.deleted_at IS NULL"
          + " AND (e.events IS NULL OR ev.event_type = ANY (e.events))"
          + " AND e.created_at <= ev.occurred_at + interval '1 minute'),"
          // Room per endpoint, then per merchant among the rows its endpoints have room for.
          + " y AS (SELECT x.*, x.rn_endpoint <= $12 - coalesce(b.n, 0) AS fits_endpoint FROM x"
          + " LEFT JOIN unnest($9::uuid[], $10::int[]) AS b(endpoint_id, n)"
          + " ON b.endpoint_id = x.endpoint_id),"
          + " z AS (SELECT y.*, y.fits_endpoint AND row_number() OVER (PARTITION BY y.merchant_id,"
          + " y.fits_endpoint ORDER BY y.ord, y.endpoint_id) <= $16 - coalesce(bm.n, 0) AS fits"
          + " FROM y LEFT JOIN unnest($14::uuid[], $15::int[]) AS bm(merchant_id, n)"
          + " ON bm.merchant_id = y.merchant_id),"
          + " ins AS (INSERT INTO "
          + Tables.DELIVERIES
          + " AS d (id, merchant_id, endpoint_id, endpoint_url, event_id, event_type, payload,"
          + " request_id, status, attempts, next_retry_at, run_at, lease_token, parked,"
          + " created_at, updated_at) SELECT gen_random_uuid(), z.merchant_id, z.endpoint_id,"
          + " z.url, z.event_id, z.event_type, z.payload, z.request_id, 'pending', 0, $6,"
          + " CASE WHEN l.lease THEN $7 ELSE $6 END, CASE WHEN l.lease THEN $8::uuid END,"
          + " l.leasing AND NOT z.fits, $6, $6"
          + " FROM z CROSS JOIN LATERAL (SELECT $7::timestamptz IS NOT NULL AS leasing) f"
          + " CROSS JOIN LATERAL (SELECT f.leasing AND z.fits AND z.rn_all <= $11 AS lease,"
          + " f.leasing) l"
          + " ON CONFLICT ON CONSTRAINT deliveries_once_per_event_and_endpoint DO NOTHING"
          + " RETURNING d.id, d.merchant_id, d.endpoint_id, d.endpoint_url, d.event_id,"
          + " d.event_type, d.lease_token, d.request_id)"
          + " SELECT ins.*, "
          + MERCHANT_SECRETS
          + " FROM ins JOIN "
          + Tables.MERCHANTS
          + " m ON m.id = ins.merchant_id";

  /**
   * Due deliveries a claim reads, and endpoints with parked deliveries its walk visits, at least,
   * however few slots it fills: the slots go to the least busy endpoints among them.
   */
  static final int WINDOW = 64;

  /** How many due deliveries a claim reads, and endpoints with parked ones its walk visits. */
  private static final String SEEN = "greatest($3, " + WINDOW + ")";

  /** How many endpoints the walk from the lowest id may still visit. */
  private static final String PB_ROOM =
      "(" + SEEN + " - (SELECT count(*) FROM pa WHERE endpoint_id IS NOT NULL))";

  /**
   * Leases due deliveries within the room this instance has per endpoint ({@code $4}/{@code $5} in
   * flight of {@code $6}) and per merchant ({@code $10}/{@code $11} of {@code $12}), and parks the
   * due ones it met whose endpoint or merchant has no room. Of the deliveries that fit, those of
   * the endpoints with the fewest attempts in flight go first, each endpoint's oldest due first, so
   * that the slots attempts free go round the endpoints: oldest due first alone gave every slot
   * that endpoints hanging on a dead host freed back to their own older backlog, and other
   * merchants got none while they had one. Two sources, each read through its own index and never
   * further than one batch:
   *
   * <ul>
   *   <li>{@code h}: the head of the shared queue of due deliveries (not parked), {@code $3} rows
   *       and at least {@value #WINDOW}: deliveries that fit stay there unparked when they lose to
   *       others, and with no more rows than slots to fill, a claim saw only those of the endpoints
   *       that had taken the slots before (a few dozen of them held the healthy ones behind them
   *       for 15 s in {@code MerchantIsolationTest});
   *   <li>{@code p}: the parked deliveries, up to a share each and no more than {@code $3}, of the
   *       {@code $3} least busy endpoints this instance has room for (not in {@code $2}) among
   *       those a walk finds, skipping from one endpoint to the next in {@code deliveries_parked},
   *       from the endpoint id {@code $9} up and then, wrapping around, from the lowest. The walk
   *       visits {@code $3} endpoints and at least {@value #WINDOW} (it locks nothing): with only
   *       as many as the slots to fill, a slot freed went to whichever endpoint it met first.
   *       Claims start their walks at random: from the lowest id every time, the parked backlogs of
   *       endpoints past the first ones would never be reached while those first ones had no room
   *       here.
   * </ul>
   *
   * Rows another instance is claiming are skipped, and so are those this instance holds ({@code
   * $13}). The last row counts the rows parked ({@code parked_now}); its delivery columns are null
   * when nothing was leased.
   */
  static final String CLAIM_SQL =
      "WITH RECURSIVE "
          + parkedWalk("pa", " AND endpoint_id >= $9", "", SEEN)
          + ", "
          // From the lowest id on, only for as many endpoints as the first walk did not find.
          + parkedWalk(
              "pb",
              " AND endpoint_id < $9 AND " + PB_ROOM + " > 0",
              " AND d.endpoint_id < $9",
              PB_ROOM)
          + ", pe AS (SELECT w.endpoint_id FROM (SELECT endpoint_id, depth AS o FROM pa"
          + " UNION ALL SELECT endpoint_id, "
          + SEEN
          + " + depth FROM pb) w LEFT JOIN unnest($4::uuid[], $5::int[]) AS wb(endpoint_id, n)"
          + " ON wb.endpoint_id = w.endpoint_id"
          + " WHERE w.endpoint_id IS NOT NULL AND w.endpoint_id <> ALL ($2::uuid[])"
          + " ORDER BY coalesce(wb.n, 0), w.o LIMIT $3),"
          + " h AS (SELECT id, merchant_id, endpoint_id, run_at, false AS parked FROM "
          + Tables.DELIVERIES
          + " WHERE status = 'pending' AND NOT parked AND run_at <= $1"
          // Not those this instance holds: another replica may take them (and the autoscaler's
          // count of the due queue, which repeats the condition above, counts them).
          + " AND id <> ALL ($13::uuid[])"
          + " ORDER BY run_at LIMIT "
          + SEEN
          + " FOR UPDATE SKIP LOCKED),"
          + " p AS (SELECT x.id, x.merchant_id, x.endpoint_id, x.run_at, true AS parked FROM"
          + " pe"
          + " CROSS JOIN LATERAL (SELECT d.id, d.merchant_id, d.endpoint_id, d.run_at FROM "
          + Tables.DELIVERIES
          + " d WHERE d.endpoint_id = pe.endpoint_id AND d.status = 'pending' AND d.parked"
          + " AND d.run_at <= $1 AND d.id <> ALL ($13::uuid[]) ORDER BY d.run_at"
          + " LIMIT least($6, $3) FOR UPDATE SKIP LOCKED) x),"
          // Room per endpoint, then per merchant among the rows its endpoints have room for.
          + " ke AS (SELECT c.id, c.merchant_id, c.run_at, c.parked,"
          + " c.rn <= $6 - coalesce(b.n, 0) AS fits_endpoint, coalesce(b.n, 0) + c.rn AS load"
          + " FROM (SELECT c.*, row_number() OVER (PARTITION BY c.endpoint_id"
          + " ORDER BY c.run_at, c.id) AS rn FROM (SELECT * FROM h UNION ALL SELECT * FROM p) c) c"
          + " LEFT JOIN unnest($4::uuid[], $5::int[]) AS b(endpoint_id, n)"
          + " ON b.endpoint_id = c.endpoint_id),"
          + " k AS (SELECT ke.id, ke.run_at, ke.parked, ke.load, ke.fits_endpoint AND row_number() OVER"
          + " (PARTITION BY ke.merchant_id, ke.fits_endpoint ORDER BY ke.run_at, ke.id)"
          + " <= $12 - coalesce(bm.n, 0) AS fits FROM ke"
          + " LEFT JOIN unnest($10::uuid[], $11::int[]) AS bm(merchant_id, n)"
          + " ON bm.merchant_id = ke.merchant_id),"
          + " r AS (SELECT id FROM k WHERE fits ORDER BY load, run_at, id LIMIT $3),"
          + " pk AS (UPDATE "
          + Tables.DELIVERIES
          + " d SET parked = true FROM k WHERE d.id = k.id AND NOT k.fits AND NOT k.parked"
          + " RETURNING d.id),"
          + " u AS (UPDATE "
          + Tables.DELIVERIES
          + " d SET run_at = $7, lease_token = $8, parked = false, restart = false"
          + " FROM r WHERE d.id = r.id"
          + " RETURNING d.id, d.merchant_id, d.endpoint_id, d.event_id, d.event_type, d.payload,"
          + " d.attempts, d.request_id, d.lease_token)"
          + " SELECT q.*, n.parked_now FROM (SELECT u.*, e.url,"
          + " CASE WHEN NOT e.enabled OR e.deleted_at IS NOT NULL"
          + " THEN 'endpoint was deleted or disabled'"
          + " WHEN e.events IS NOT NULL AND u.event_type <> 'webhook.test'"
          + " AND NOT u.event_type = ANY (e.events)"
          + " THEN 'endpoint no longer takes ' || u.event_type || ' events' END AS refusal, "
          + MERCHANT_SECRETS
          + " FROM u JOIN "
          + Tables.ENDPOINTS
          + " e ON e.id = u.endpoint_id JOIN "
          + Tables.MERCHANTS
          + " m ON m.id = u.merchant_id) q"
          + " RIGHT JOIN (SELECT count(*) AS parked_now FROM pk) n ON true";

  /**
   * {@code name}: up to {@code most} endpoints with parked deliveries, in id order, the first where
   * {@code firstWhere} and the next ones where {@code nextWhere} (on {@code d}) as well.
   */
  private static String parkedWalk(String name, String firstWhere, String nextWhere, String most) {
    return name
        + " (endpoint_id, depth) AS ((SELECT endpoint_id, 1 FROM "
        + Tables.DELIVERIES
        + " WHERE status = 'pending' AND parked"
        + firstWhere
        + " ORDER BY endpoint_id LIMIT 1) UNION ALL SELECT (SELECT d.endpoint_id FROM "
        + Tables.DELIVERIES
        + " d WHERE d.status = 'pending' AND d.parked AND d.endpoint_id > "
        + name
        + ".endpoint_id"
        + nextWhere
        + " ORDER BY d.endpoint_id LIMIT 1), "
        + name
        + ".depth + 1 FROM "
        + name
        + " WHERE "
        + name
        + ".endpoint_id IS NOT NULL AND "
        + name
        + ".depth < "
        + most
        + ")";
  }

  private static final String NEXT_RUN_SQL =
      "SELECT min(run_at) AS next FROM "
          + Tables.DELIVERIES
          + " WHERE status = 'pending' AND NOT parked AND run_at > $1";

  /**
   * Logs every attempt, once: an outcome written again (its first write committed, but its reply
   * was lost with the connection) finds its row; moves each delivery on only while the attempt's
   * lease still holds (a take-over may have replaced it); counts deliveries that finished. A
   * delivery retried by hand while the attempt ran ({@code restart}) starts its schedule again
   * instead: pending, no attempts, due when the retry was asked for (see V7). A delivery moved on
   * is not parked: were it left so, the next claim with room would take it before it is due. A
   * finished delivery keeps a {@code run_at} (its last attempt): were it NULL, the planner would
   * take the share of pending rows twice when estimating the due queue, and sort the whole of it to
   * claim a batch (see V5).
   */
  private static final String FINISH_SQL =
      "WITH r AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[],"
          + " $5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],"
          + " $11::text[]) AS r(id, token, attempt, attempted_at, response_code, latency_ms,"
          + " response_body, error, status, next_retry_at, url)),"
          + " a AS (INSERT INTO "
          + Tables.ATTEMPTS
          + " (delivery_id, attempt, attempted_at, response_code, latency_ms, response_body,"
          + " error) SELECT id, attempt, attempted_at, response_code, latency_ms, response_body,"
          + " error FROM r WHERE NOT EXISTS (SELECT 1 FROM "
          + Tables.ATTEMPTS
          + " x WHERE x.delivery_id = r.id AND x.attempt = r.attempt"
          + " AND x.attempted_at = r.attempted_at)),"
          + " d AS (UPDATE "
          + Tables.DELIVERIES
          + " d SET status = CASE WHEN d.restart THEN 'pending' ELSE r.status END,"
          + " attempts = CASE WHEN d.restart THEN 0 ELSE r.attempt END,"
          + " next_retry_at = CASE WHEN d.restart THEN d.next_retry_at ELSE r.next_retry_at END,"
          + " run_at = CASE WHEN d.restart THEN d.next_retry_at"
          + " ELSE coalesce(r.next_retry_at, r.attempted_at) END,"
          + " lease_token = NULL, restart = false, parked = false,"
          + " last_attempt_at = r.attempted_at, response_code = r.response_code,"
          + " endpoint_url = r.url, updated_at = greatest(d.updated_at, r.attempted_at)"
          + " FROM r WHERE d.id = r.id AND d.lease_token = r.token"
          + " RETURNING d.id, d.status, d.attempts = 0 AS restarted),"
          + " c AS (INSERT INTO "
          + Tables.OUTCOME_INCREMENTS
          + " (status, delta) SELECT status, 1 FROM d WHERE status <> 'pending')"
          + " SELECT id, restarted FROM d";

  private final Pool pool;

  public DeliveryRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * What writing attempts did: the deliveries they moved on ({@code applied}: their leases still
   * held), and of those, the ones retried by hand meanwhile, which start their schedule again
   * ({@code restarted}) instead of taking their attempt's outcome.
   */
  public record Finished(Set<UUID> applied, Set<UUID> restarted) {}

  /** How this instance may lease what it creates or claims. */
  public record Lease(UUID token, Instant now, Instant until) {
    /**
     * The latest time an attempt under this lease may start: half of it left, for the attempt and
     * the writing of its outcome. A statement that took longer than that to lease a delivery (the
     * database stalled) leaves it to a claim, which leases it afresh; sent all the same, it would
     * be claimed and sent again by another instance once the lease ran out.
     */
    public Instant startBy() {
      return now.plus(Duration.between(now, until).dividedBy(2));
    }
  }

  /**
   * What creating deliveries made: the ones leased to this instance, ready to attempt, and how many
   * wait for a claim.
   */
  public record Created(List<DueDelivery> leased, int waiting) {}

  /**
   * Creates the deliveries of a batch of events. With a lease ({@code until} set), up to {@code
   * free} rows are leased to this instance, within each endpoint's and merchant's room.
   */
  public Uni<Created> create(List<NewEvent> events, Lease lease, int free, Room room) {
    int n = events.size();
    String[] ids = new String[n];
    UUID[] merchants = new UUID[n];
    String[] types = new String[n];
    Buffer[] payloads = new Buffer[n];
    String[] requests = new String[n];
    OffsetDateTime[] occurred = new OffsetDateTime[n];
    Map<String, NewEvent> byId = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      NewEvent e = events.get(i);
      ids[i] = e.eventId();
      merchants[i] = e.merchantId();
      types[i] = e.type();
      payloads[i] = Buffer.buffer(e.body());
      requests[i] = e.requestId();
      occurred[i] = Rows.timestamp(e.occurredAt());
      byId.put(e.eventId(), e);
    }
    Tuple args =
        Tuple.tuple()
            .addArrayOfString(ids)
            .addArrayOfUUID(merchants)
            .addArrayOfString(types)
            .addValue(payloads)
            .addArrayOfString(requests)
            .addOffsetDateTime(Rows.timestamp(lease.now()))
            .addOffsetDateTime(Rows.timestamp(lease.until()))
            .addUUID(lease.token());
    addCounts(args, room.busy()).addInteger(free).addInteger(room.perEndpoint());
    args.addArrayOfOffsetDateTime(occurred);
    addCounts(args, room.busyMerchants()).addInteger(room.perMerchant());
    return pool.preparedQuery(CREATE_SQL)
        .execute(args)
        .map(
            rows -> {
              List<DueDelivery> leased = new ArrayList<>();
              for (Row r : rows) {
                if (r.getUUID("lease_token") != null) {
                  NewEvent e = byId.get(r.getString("event_id"));
                  leased.add(due(r, lease, r.getString("endpoint_url"), null, e.body(), 0));
                }
              }
              return new Created(leased, rows.size() - leased.size());
            });
  }

  /**
   * The attempts this instance is making per endpoint ({@code busy}, with those at their share also
   * in {@code full}) and the share, the most it makes to one endpoint at once; the same per
   * merchant; and the deliveries it holds whose lease is half over ({@code held}: being attempted,
   * or their outcome not yet written), which its claims leave alone.
   */
  public record Room(
      Set<UUID> full,
      Map<UUID, Integer> busy,
      int perEndpoint,
      Map<UUID, Integer> busyMerchants,
      int perMerchant,
      Set<UUID> held) {
    /** Room with no delivery held. */
    public Room(
        Set<UUID> full,
        Map<UUID, Integer> busy,
        int perEndpoint,
        Map<UUID, Integer> busyMerchants,
        int perMerchant) {
      this(full, busy, perEndpoint, busyMerchants, perMerchant, Set.of());
    }
  }

  private static Tuple addCounts(Tuple args, Map<UUID, Integer> busy) {
    UUID[] ids = busy.keySet().toArray(UUID[]::new);
    Integer[] counts = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) {
      counts[i] = busy.get(ids[i]);
    }
    return args.addArrayOfUUID(ids).addArrayOfInteger(counts);
  }

  /** What a claim did: the deliveries it leased to this instance, and how many it parked. */
  public record Claimed(List<DueDelivery> leased, long parked) {}

  /**
   * Leases up to {@code limit} due deliveries to this instance, and parks the due ones it meets
   * whose endpoint or merchant has no room here. Parked deliveries are looked for from the endpoint
   * id {@code walkFrom} on (wrapping around): a random one spreads the claims over all the parked
   * backlogs.
   */
  public Uni<Claimed> claim(int limit, Room room, Lease lease, UUID walkFrom) {
    return pool.preparedQuery(CLAIM_SQL)
        .execute(claimArgs(limit, room, lease, walkFrom))
        .map(
            rows -> {
              List<DueDelivery> out = new ArrayList<>(rows.size());
              long parked = 0;
              for (Row r : rows) {
                parked = r.getLong("parked_now");
                if (r.getUUID("id") != null) {
                  out.add(
                      due(
                          r,
                          lease,
                          r.getString("url"),
                          r.getString("refusal"),
                          r.getBuffer("payload").getBytes(),
                          r.getInteger("attempts")));
                }
              }
              return new Claimed(out, parked);
            });
  }

  /** The parameters of {@link #CLAIM_SQL}. */
  static Tuple claimArgs(int limit, Room room, Lease lease, UUID walkFrom) {
    Tuple args =
        Tuple.tuple()
            .addOffsetDateTime(Rows.timestamp(lease.now()))
            .addArrayOfUUID(room.full().toArray(UUID[]::new))
            .addInteger(limit);
    addCounts(args, room.busy())
        .addInteger(room.perEndpoint())
        .addOffsetDateTime(Rows.timestamp(lease.until()))
        .addUUID(lease.token())
        .addUUID(walkFrom);
    return addCounts(args, room.busyMerchants())
        .addInteger(room.perMerchant())
        .addArrayOfUUID(room.held().toArray(UUID[]::new));
  }

  /** When the next delivery falls due after {@code now} (or a lease ends), or {@code null}. */
  public Uni<Instant> nextRunAfter(Instant now) {
    return pool.preparedQuery(NEXT_RUN_SQL)
        .execute(Tuple.of(Rows.timestamp(now)))
        .map(rows -> Rows.instant(Rows.first(rows), "next"));
  }

  /** Writes a batch of attempts; emits what became of their deliveries ({@link Finished}). */
  public Uni<Finished> finish(List<AttemptRecord> attempts) {
    int n = attempts.size();
    UUID[] ids = new UUID[n];
    UUID[] tokens = new UUID[n];
    Integer[] numbers = new Integer[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    Integer[] codes = new Integer[n];
    Integer[] latencies = new Integer[n];
    String[] bodies = new String[n];
    String[] errors = new String[n];
    String[] statuses = new String[n];
    OffsetDateTime[] next = new OffsetDateTime[n];
    String[] urls = new String[n];
    for (int i = 0; i < n; i++) {
      AttemptRecord a = attempts.get(i);
      ids[i] = a.deliveryId();
      tokens[i] = a.leaseToken();
      numbers[i] = a.attempt();
      at[i] = Rows.timestamp(a.attemptedAt());
      codes[i] = a.responseCode();
      latencies[i] = a.latencyMs();
      bodies[i] = a.responseBody();
      errors[i] = a.error();
      statuses[i] = a.status();
      next[i] = Rows.timestamp(a.nextRetryAt());
      urls[i] = a.url();
    }
    Tuple args =
        Tuple.tuple()
            .addArrayOfUUID(ids)
            .addArrayOfUUID(tokens)
            .addArrayOfInteger(numbers)
            .addArrayOfOffsetDateTime(at)
            .addArrayOfInteger(codes)
            .addArrayOfInteger(latencies)
            .addArrayOfString(bodies)
            .addArrayOfString(errors)
            .addArrayOfString(statuses)
            .addArrayOfOffsetDateTime(next)
            .addArrayOfString(urls);
    return pool.preparedQuery(FINISH_SQL)
        .execute(args)
        .map(
            rows -> {
              Set<UUID> applied = new HashSet<>();
              Set<UUID> restarted = new HashSet<>();
              for (Row r : rows) {
                applied.add(r.getUUID("id"));
                if (r.getBoolean("restarted")) {
                  restarted.add(r.getUUID("id"));
                }
              }
              return new Finished(applied, restarted);
            });
  }

  private static DueDelivery due(
      Row r, Lease lease, String url, String refusal, byte[] payload, int attempts) {
    return new DueDelivery(
        r.getUUID("id"),
        r.getUUID("lease_token"),
        lease.startBy(),
        r.getUUID("merchant_id"),
        r.getUUID("endpoint_id"),
        url,
        refusal,
        r.getString("event_id"),
        r.getString("event_type"),
        payload,
        attempts,
        r.getString("request_id"),
        MerchantRepository.secrets(r));
  }
}
