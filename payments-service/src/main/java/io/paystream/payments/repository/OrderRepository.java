package io.paystream.payments.repository;

import io.paystream.payments.Order;
import io.paystream.shared.http.Listing;
import io.paystream.shared.http.Page;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Orders. */
@ApplicationScoped
public class OrderRepository {
  private static final String COLUMNS =
      "id, merchant_id, amount, currency, receipt, notes, status, created_at, updated_at";

  private final Pool pool;

  public OrderRepository(Pool pool) {
    this.pool = pool;
  }

  /** What the checkout page may know of an order. */
  public record PublicOrder(
      String id, long amount, String currency, String status, String merchantName) {}

  /** Inserts an order (and stores its idempotent response) in one statement. */
  public Uni<Void> insert(Order o, StoredResponse response) {
    SqlParams p = new SqlParams();
    String sql =
        "WITH o AS (INSERT INTO "
            + Tables.ORDERS
            + " ("
            + COLUMNS
            + ") VALUES ("
            + String.join(
                ", ",
                p.add(o.id()),
                p.add(o.merchantId()),
                p.add(o.amount()),
                p.add(o.currency()),
                p.add(o.receipt()),
                p.add(o.notes()),
                p.add(o.status()),
                p.add(o.createdAt()),
                p.add(o.updatedAt()))
            + ") RETURNING id)"
            + StoredResponse.cte(response, p, "o")
            + " SELECT count(*) FROM o";
    return pool.preparedQuery(sql).execute(p.tuple()).replaceWithVoid();
  }

  /**
   * Whether the order {@code id} of {@code merchantId} was created: asked about an {@link #insert}
   * whose answer was lost with its connection. That insert holds no lock a reader could wait on
   * (its row is new); its statement commits by itself within milliseconds of reaching PostgreSQL,
   * which the pauses between looks leave it ({@link InDoubt}).
   */
  public Uni<Boolean> exists(String id, UUID merchantId) {
    return pool.preparedQuery(
            "SELECT 1 FROM " + Tables.ORDERS + " WHERE id = $1 AND merchant_id = $2")
        .execute(Tuple.of(id, merchantId))
        .map(rows -> rows.size() == 1);
  }

  /** The merchant's order, or {@code null} (also for another merchant's order). */
  public Uni<Order> find(String id, UUID merchantId) {
    return pool.preparedQuery(
            "SELECT " + COLUMNS + " FROM " + Tables.ORDERS + " WHERE id = $1 AND merchant_id = $2")
        .execute(Tuple.of(id, merchantId))
        .map(rows -> order(Rows.first(rows)));
  }

  /** Any merchant's order, or {@code null}. */
  public Uni<Order> find(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM " + Tables.ORDERS + " WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> order(Rows.first(rows)));
  }

  /** An order with its merchant's name, or {@code null}. */
  public Uni<PublicOrder> findPublic(String id) {
    return pool.preparedQuery(
            "SELECT o.id, o.amount, o.currency, o.status, m.name FROM "
                + Tables.ORDERS
                + " o JOIN "
                + Tables.MERCHANTS
                + " m ON m.id = o.merchant_id WHERE o.id = $1")
        .execute(Tuple.of(id))
        .map(Rows::first)
        .map(
            r ->
                r == null
                    ? null
                    : new PublicOrder(
                        r.getString("id"),
                        r.getLong("amount"),
                        r.getString("currency"),
                        r.getString("status"),
                        r.getString("name")));
  }

  /** A page of the merchant's orders, newest first. */
  public Uni<Listing<Order>> list(UUID merchantId, Page page) {
    String sql =
        "SELECT (SELECT count(*) FROM "
            + Tables.ORDERS
            + " WHERE merchant_id = $1) AS total, o.* FROM (SELECT 1) one LEFT JOIN (SELECT "
            + COLUMNS
            + " FROM "
            + Tables.ORDERS
            + " WHERE merchant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3)"
            + " o ON true";
    return pool.preparedQuery(sql)
        .execute(Tuple.of(merchantId, page.limit(), page.offset()))
        .map(
            rows -> {
              List<Order> items = new ArrayList<>();
              long total = 0;
              for (Row r : rows) {
                total = r.getLong("total");
                if (r.getString("id") != null) {
                  items.add(order(r));
                }
              }
              return new Listing<>(items, total);
            });
  }

  private static Order order(Row r) {
    if (r == null) {
      return null;
    }
    return new Order(
        r.getString("id"),
        r.getUUID("merchant_id"),
        r.getLong("amount"),
        r.getString("currency"),
        r.getString("receipt"),
        r.getString("notes"),
        r.getString("status"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }
}
