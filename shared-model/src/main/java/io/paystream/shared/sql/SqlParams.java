package io.paystream.shared.sql;

import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Numbers the parameters of one SQL statement as it is written, so that statements assembled from
 * parts (a business CTE, its outbox insert, its idempotency completion) stay readable.
 *
 * <pre>{@code
 * SqlParams p = new SqlParams();
 * String sql = "SELECT * FROM payments.orders WHERE id = " + p.add(orderId);
 * pool.preparedQuery(sql).execute(p.tuple());
 * }</pre>
 */
public final class SqlParams {
  private final List<Object> values = new ArrayList<>();

  /**
   * Binds a value; returns its placeholder ({@code $n}). Instants bind as {@code timestamptz}, byte
   * arrays as {@code bytea}.
   */
  public String add(Object value) {
    values.add(bindable(value));
    return "$" + values.size();
  }

  private static Object bindable(Object value) {
    if (value instanceof Instant i) {
      return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
    if (value instanceof byte[] bytes) {
      return Buffer.buffer(bytes);
    }
    if (value instanceof io.vertx.mutiny.core.buffer.Buffer b) {
      return b.getDelegate();
    }
    return value;
  }

  /** The bound values. */
  public Tuple tuple() {
    return Tuple.from(values);
  }
}
