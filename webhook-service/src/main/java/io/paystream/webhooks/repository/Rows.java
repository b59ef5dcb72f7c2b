package io.paystream.webhooks.repository;

import io.paystream.shared.http.Listing;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small readers and binders for row values. */
final class Rows {
  private Rows() {}

  /** The first row, or {@code null}. */
  static Row first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  /** An instant bound as {@code timestamptz}. */
  static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** A {@code timestamptz} column as an instant, or {@code null}. */
  static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  /**
   * A page read by {@code SELECT (SELECT count(*) …) AS total, x.* FROM (SELECT 1) one LEFT JOIN
   * (…page…) x ON true}: one row even for an empty page, whose {@code id} is then {@code null}.
   */
  static <T> Listing<T> listing(RowSet<Row> rows, Function<Row, T> item) {
    List<T> items = new ArrayList<>();
    long total = 0;
    for (Row r : rows) {
      total = r.getLong("total");
      if (r.getValue("id") != null) {
        items.add(item.apply(r));
      }
    }
    return new Listing<>(items, total);
  }
}
