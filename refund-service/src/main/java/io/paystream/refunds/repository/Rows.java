package io.paystream.refunds.repository;

import io.paystream.shared.sql.SqlParams;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Small readers for row values, and the statement part every projection update starts with. */
final class Rows {
  private Rows() {}

  /** The first row, or {@code null}. */
  static Row first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  /** Whether a statement ending in {@code SELECT count(*) AS n FROM …} counted one row. */
  static boolean countedOne(RowSet<Row> rows) {
    return first(rows).getLong("n") == 1;
  }

  /** A {@code timestamptz} column as an instant, or {@code null}. */
  static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  /**
   * {@code e AS (…)}: records an event id as applied; returns a row only the first time, so the
   * rest of the statement (guarded by {@code EXISTS (SELECT 1 FROM e)}) runs once per event.
   */
  static String firstTimeSeen(SqlParams p, String eventId) {
    return "e AS (INSERT INTO "
        + Tables.PROCESSED_EVENTS
        + " (event_id) VALUES ("
        + p.add(eventId)
        + ") ON CONFLICT DO NOTHING RETURNING 1)";
  }
}
