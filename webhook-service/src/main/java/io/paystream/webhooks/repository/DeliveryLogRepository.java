package io.paystream.webhooks.repository;

import io.paystream.shared.http.Listing;
import io.paystream.shared.http.Page;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.sql.Purge;
import io.paystream.shared.sql.SqlParams;
import io.paystream.webhooks.Attempt;
import io.paystream.webhooks.Delivery;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The merchants' side of deliveries: the log, manual retries and test events. */
@ApplicationScoped
public class DeliveryLogRepository {
  /** Attempts shown in a delivery's detail: the latest ones. */
  public static final int HISTORY = 1_000;

  /** Deliveries deleted per purge statement. */
  public static final int PURGE_BATCH = 5_000;

  /**
   * A delivery's columns, from {@link #FROM}: a pending one shows where its next attempt goes (its
   * endpoint's URL now, which a {@code PATCH} may have changed since its last attempt), a finished
   * one where its last attempt went.
   */
  private static final String COLUMNS =
      "d.id, d.event_id, d.event_type, d.endpoint_id, CASE WHEN d.status = 'pending'"
          + " THEN coalesce(e.url, d.endpoint_url) ELSE d.endpoint_url END AS endpoint_url,"
          + " d.status, d.attempts, d.created_at, d.last_attempt_at, d.next_retry_at,"
          + " d.response_code";

  private static final String FROM =
      Tables.DELIVERIES + " d LEFT JOIN " + Tables.ENDPOINTS + " e ON e.id = d.endpoint_id";

  private final Pool pool;

  public DeliveryLogRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Deletes every delivery finished longer than {@code ageMillis} ago, with its attempts, {@value
   * #PURGE_BATCH} per statement; emits how many deliveries went. The condition is checked again on
   * each row as it is when deleted: one reopened by a manual retry while a statement ran (after its
   * sub-select had read it) stays, with its history.
   */
  public Uni<Long> purgeFinished(long ageMillis) {
    String old = "status <> 'pending' AND updated_at < now() - $1 * interval '1 millisecond'";
    String sql =
        "WITH d AS (DELETE FROM "
            + Tables.DELIVERIES
            + " WHERE id IN (SELECT id FROM "
            + Tables.DELIVERIES
            + " WHERE "
            + old
            + " LIMIT "
            + PURGE_BATCH
            + ") AND "
            + old
            + " RETURNING id), a AS (DELETE FROM "
            + Tables.ATTEMPTS
            + " t USING d WHERE t.delivery_id = d.id) SELECT count(*) AS n FROM d";
    return Purge.untilDone(
        () ->
            pool.preparedQuery(sql)
                .execute(Tuple.of(ageMillis))
                .map(rows -> rows.iterator().next().getLong("n").intValue()),
        PURGE_BATCH);
  }

  /** A page of the merchant's deliveries, newest first, optionally of one status and event. */
  public Uni<Listing<Delivery>> list(UUID merchantId, String status, String event, Page page) {
    SqlParams p = new SqlParams();
    String filter = " WHERE d.merchant_id = " + p.add(merchantId);
    if (status != null) {
      filter += " AND d.status = " + p.add(status);
    }
    if (event != null) {
      filter += " AND d.event_type = " + p.add(event);
    }
    String sql =
        "SELECT (SELECT count(*) FROM "
            + Tables.DELIVERIES
            + " d"
            + filter
            + ") AS total, page.* FROM (SELECT 1) one LEFT JOIN (SELECT "
            + COLUMNS
            + " FROM "
            + FROM
            + filter
            + " ORDER BY d.created_at DESC, d.id DESC LIMIT "
            + p.add(page.limit())
            + " OFFSET "
            + p.add(page.offset())
            + ") page ON true";
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(rows -> Rows.listing(rows, DeliveryLogRepository::delivery));
  }

  /** A delivery and the exact body it sends. */
  public record Detail(Delivery delivery, byte[] payload) {}

  /** The merchant's delivery, or {@code null}. */
  public Uni<Detail> find(UUID id, UUID merchantId) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + ", d.payload FROM "
                + FROM
                + " WHERE d.id = $1 AND d.merchant_id = $2")
        .execute(Tuple.of(id, merchantId))
        .map(Rows::first)
        .map(r -> r == null ? null : new Detail(delivery(r), r.getBuffer("payload").getBytes()));
  }

  /**
   * A delivery's latest {@link #HISTORY} attempts, oldest first: manual retries can add attempts
   * without end, and the detail is read whole.
   */
  public Uni<List<Attempt>> attempts(UUID deliveryId) {
    return pool.preparedQuery(
            "SELECT attempt, attempted_at, response_code, latency_ms, response_body, error FROM"
                + " (SELECT * FROM "
                + Tables.ATTEMPTS
                + " WHERE delivery_id = $1 ORDER BY id DESC LIMIT $2) latest ORDER BY id")
        .execute(Tuple.of(deliveryId, HISTORY))
        .map(
            rows -> {
              List<Attempt> out = new ArrayList<>(rows.size());
              for (Row r : rows) {
                out.add(
                    new Attempt(
                        r.getInteger("attempt"),
                        Rows.instant(r, "attempted_at"),
                        r.getInteger("response_code"),
                        r.getInteger("latency_ms"),
                        r.getString("response_body"),
                        r.getString("error")));
              }
              return out;
            });
  }

  /**
   * Starts a delivery's schedule again, whatever its status: pending, no attempts, due at {@code
   * now}. An attempt in flight (its lease running) keeps its lease and is let finish: the delivery
   * is marked to start again once its outcome is written ({@code restart}, see V7), so that no
   * second attempt of the event starts beside it. A finished delivery is taken out of its outcome's
   * count. Emits false for an unknown delivery.
   */
  public Uni<Boolean> reopen(UUID id, UUID merchantId, Instant now, StoredResponse response) {
    SqlParams p = new SqlParams();
    String at = p.add(now);
    String sql =
        "WITH old AS (SELECT id, status, lease_token IS NOT NULL AND run_at > "
            + at
            + " AS in_flight FROM "
            + Tables.DELIVERIES
            + " WHERE id = "
            + p.add(id)
            + " AND merchant_id = "
            + p.add(merchantId)
            + " FOR UPDATE), u AS (UPDATE "
            + Tables.DELIVERIES
            + " d SET status = 'pending', attempts = 0, next_retry_at = "
            + at
            + ", run_at = CASE WHEN old.in_flight THEN d.run_at ELSE "
            + at
            + " END, lease_token = CASE WHEN old.in_flight THEN d.lease_token END,"
            + " restart = old.in_flight, parked = false, updated_at = "
            + at
            + " FROM old WHERE d.id = old.id RETURNING d.id), c AS (INSERT INTO "
            + Tables.OUTCOME_INCREMENTS
            + " (status, delta) SELECT status, -1 FROM old WHERE status <> 'pending')"
            + StoredResponse.cte(response, p, "u")
            + " SELECT count(*) AS n FROM u";
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /** What creating a test delivery found. */
  public enum TestOutcome {
    CREATED,
    NO_ENDPOINT,
    DISABLED
  }

  /** Creates the delivery of a {@code webhook.test} event to one endpoint, due now. */
  public Uni<TestOutcome> createTest(
      UUID deliveryId,
      UUID endpointId,
      UUID merchantId,
      String eventId,
      byte[] body,
      String requestId,
      Instant now,
      StoredResponse response) {
    SqlParams p = new SqlParams();
    String at = p.add(now);
    String merchant = p.add(merchantId);
    String sql =
        "WITH e AS (SELECT id, url, enabled FROM "
            + Tables.ENDPOINTS
            + " WHERE id = "
            + p.add(endpointId)
            + " AND merchant_id = "
            + merchant
            + " AND deleted_at IS NULL), d AS (INSERT INTO "
            + Tables.DELIVERIES
            + " (id, merchant_id, endpoint_id, endpoint_url, event_id, event_type, payload,"
            + " request_id, status, attempts, next_retry_at, run_at, created_at, updated_at)"
            + " SELECT "
            + String.join(
                ", ",
                p.add(deliveryId),
                merchant,
                "e.id",
                "e.url",
                p.add(eventId),
                "'webhook.test'",
                p.add(body),
                p.add(requestId),
                "'pending'",
                "0",
                at,
                at,
                at,
                at)
            + " FROM e WHERE e.enabled RETURNING id)"
            + StoredResponse.cte(response, p, "d")
            + " SELECT (SELECT count(*) FROM e) AS found, (SELECT count(*) FROM d) AS created";
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(Rows::first)
        .map(
            r ->
                r.getLong("created") == 1
                    ? TestOutcome.CREATED
                    : r.getLong("found") == 0 ? TestOutcome.NO_ENDPOINT : TestOutcome.DISABLED);
  }

  private static Delivery delivery(Row r) {
    return new Delivery(
        r.getUUID("id"),
        r.getString("event_id"),
        r.getString("event_type"),
        r.getUUID("endpoint_id"),
        r.getString("endpoint_url"),
        r.getString("status"),
        r.getInteger("attempts"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "last_attempt_at"),
        Rows.instant(r, "next_retry_at"),
        r.getInteger("response_code"));
  }
}
