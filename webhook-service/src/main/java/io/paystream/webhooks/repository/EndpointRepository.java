package io.paystream.webhooks.repository;

import io.paystream.shared.http.Listing;
import io.paystream.shared.http.Page;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.sql.SqlParams;
import io.paystream.webhooks.Endpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Merchants' endpoints. A deleted endpoint keeps its row (deliveries name it) but is gone. */
@ApplicationScoped
public class EndpointRepository {
  private static final String COLUMNS =
      "id, merchant_id, url, events, enabled, created_at, updated_at";

  private final Pool pool;

  public EndpointRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Adds an endpoint unless the merchant already has {@code limit} of them, even under concurrent
   * creates, storing the idempotent response in the same statement; emits whether it was added.
   */
  public Uni<Boolean> insert(Endpoint e, int limit, StoredResponse response) {
    SqlParams p = new SqlParams();
    String merchant = p.add(e.merchantId());
    String now = p.add(e.createdAt());
    String sql =
        "WITH e AS (INSERT INTO "
            + Tables.ENDPOINTS
            + " (id, merchant_id, url, events, enabled, created_at, updated_at) SELECT "
            + String.join(
                ", ",
                p.add(e.id()),
                merchant,
                p.add(e.url()),
                p.add(events(e.events())) + "::text[]",
                p.add(e.enabled()),
                now,
                now)
            + " WHERE (SELECT count(*) FROM "
            + Tables.ENDPOINTS
            + " WHERE merchant_id = "
            + merchant
            + " AND deleted_at IS NULL) < "
            + p.add(limit)
            + " RETURNING id)"
            + StoredResponse.cte(response, p, "e")
            + " SELECT count(*) AS n FROM e";
    // A merchant's creates take turns (a lock held until commit), and the insert, a statement of
    // its own, counts with a snapshot taken after the lock: two creates at once never both see
    // room for one more.
    return pool.withTransaction(
            conn ->
                creatorsTurn(conn, e.merchantId())
                    .chain(() -> conn.preparedQuery(sql).execute(p.tuple())))
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /**
   * Whether the endpoint {@code id} of {@code merchantId} was created: asked about an {@link
   * #insert} whose answer was lost with its connection, which PostgreSQL may have committed or may
   * still be running. A transaction of its own first takes the merchant's turn (held by such an
   * insert until it commits or aborts), so that the endpoint is read only once that insert has
   * ended.
   */
  public Uni<Boolean> exists(UUID id, UUID merchantId) {
    return InDoubt.lockingLook(
        pool,
        conn ->
            creatorsTurn(conn, merchantId)
                .chain(
                    () ->
                        conn.preparedQuery(
                                "SELECT 1 FROM "
                                    + Tables.ENDPOINTS
                                    + " WHERE id = $1 AND merchant_id = $2")
                            .execute(Tuple.of(id, merchantId)))
                .map(rows -> rows.size() == 1));
  }

  /** Waits for the merchant's turn to create endpoints, held until the transaction ends. */
  private static Uni<RowSet<Row>> creatorsTurn(SqlConnection conn, UUID merchantId) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .execute(Tuple.of("webhook-endpoints:" + merchantId));
  }

  /** The merchant's live endpoint, or {@code null}. */
  public Uni<Endpoint> find(UUID id, UUID merchantId) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM "
                + Tables.ENDPOINTS
                + " WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL")
        .execute(Tuple.of(id, merchantId))
        .map(rows -> endpoint(Rows.first(rows)));
  }

  /** A page of the merchant's live endpoints, newest first. */
  public Uni<Listing<Endpoint>> list(UUID merchantId, Page page) {
    String live = " WHERE merchant_id = $1 AND deleted_at IS NULL";
    String sql =
        "SELECT (SELECT count(*) FROM "
            + Tables.ENDPOINTS
            + live
            + ") AS total, e.* FROM (SELECT 1) one LEFT JOIN (SELECT "
            + COLUMNS
            + " FROM "
            + Tables.ENDPOINTS
            + live
            + " ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) e ON true";
    return pool.preparedQuery(sql)
        .execute(Tuple.of(merchantId, page.limit(), page.offset()))
        .map(rows -> Rows.listing(rows, EndpointRepository::endpoint));
  }

  /** What a partial update changes; {@code null} fields stay as they are. */
  public record Change(String url, boolean setEvents, List<String> events, Boolean enabled) {}

  /** Applies a partial update to a live endpoint; emits it as it now is, or {@code null}. */
  public Uni<Endpoint> update(UUID id, UUID merchantId, Change c, Instant at) {
    SqlParams p = new SqlParams();
    String sql =
        "UPDATE "
            + Tables.ENDPOINTS
            + " SET url = coalesce("
            + p.add(c.url())
            + ", url), events = CASE WHEN "
            + p.add(c.setEvents())
            + " THEN "
            + p.add(events(c.events()))
            + "::text[] ELSE events END, enabled = coalesce("
            + p.add(c.enabled())
            + ", enabled), updated_at = "
            + p.add(at)
            + " WHERE id = "
            + p.add(id)
            + " AND merchant_id = "
            + p.add(merchantId)
            + " AND deleted_at IS NULL RETURNING "
            + COLUMNS;
    return pool.preparedQuery(sql).execute(p.tuple()).map(rows -> endpoint(Rows.first(rows)));
  }

  /** Deletes a live endpoint; emits whether there was one. */
  public Uni<Boolean> delete(UUID id, UUID merchantId, Instant at) {
    return pool.preparedQuery(
            "UPDATE "
                + Tables.ENDPOINTS
                + " SET deleted_at = $3, updated_at = $3"
                + " WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL")
        .execute(Tuple.of(id, merchantId, Rows.timestamp(at)))
        .map(rows -> rows.rowCount() == 1);
  }

  private static String[] events(List<String> events) {
    return events == null ? null : events.toArray(String[]::new);
  }

  static Endpoint endpoint(Row r) {
    if (r == null) {
      return null;
    }
    String[] events = r.getArrayOfStrings("events");
    return new Endpoint(
        r.getUUID("id"),
        r.getUUID("merchant_id"),
        r.getString("url"),
        events == null ? null : List.of(events),
        r.getBoolean("enabled"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }
}
