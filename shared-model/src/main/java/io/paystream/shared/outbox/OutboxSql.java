package io.paystream.shared.outbox;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.id.Ids;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.sql.SqlParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The events one business statement writes to its service's outbox, bound as two array parameters
 * so that any number of events costs one {@code INSERT … SELECT FROM unnest(…)} in the statement.
 *
 * <pre>{@code
 * OutboxSql events = new OutboxSql(merchantId, requestId, now)
 *     .add(Streams.PAYMENT_EVENTS, EventType.PAYMENT_CREATED, payment::writeEventData);
 * String cte = events.insertInto("payments.outbox", params, "p"); // only when p returned a row
 * }</pre>
 */
public final class OutboxSql {
  private final String merchantId;
  private final String requestId;
  private final Instant at;
  private final List<String> streams = new ArrayList<>(4);
  private final List<String> payloads = new ArrayList<>(4);
  private final List<String> eventIds = new ArrayList<>(4);

  /**
   * Events of {@code merchantId}'s request {@code requestId}, dated {@code at}: the time of the
   * change they announce, as it is written (so that an event's {@code created_at} and its record's
   * agree).
   */
  public OutboxSql(String merchantId, String requestId, Instant at) {
    this.merchantId = merchantId;
    this.requestId = requestId;
    this.at = at;
  }

  /** Adds a new event with a fresh id (see {@link #eventIds}). */
  public OutboxSql add(String stream, EventType type, Consumer<JsonWriter> data) {
    String id = Ids.event();
    streams.add(stream);
    payloads.add(EventEnvelope.encode(id, type, at, merchantId, requestId, data));
    eventIds.add(id);
    return this;
  }

  /** Adds an already encoded envelope. */
  public OutboxSql addEncoded(String stream, String envelope) {
    streams.add(stream);
    payloads.add(envelope);
    return this;
  }

  /** The ids of the events added with {@link #add}, in order. */
  public List<String> eventIds() {
    return List.copyOf(eventIds);
  }

  public String[] streams() {
    return streams.toArray(String[]::new);
  }

  public String[] payloads() {
    return payloads.toArray(String[]::new);
  }

  /**
   * A data-modifying statement that appends these events, as one outbox row, to {@code table}; with
   * a {@code guard} CTE name, only when that CTE returned a row.
   */
  public String insertInto(String table, SqlParams p, String guard) {
    String sql =
        "INSERT INTO "
            + table
            + " (streams, payloads) SELECT "
            + p.add(streams())
            + "::text[], "
            + p.add(payloads())
            + "::text[]";
    return guard == null ? sql : sql + " WHERE EXISTS (SELECT 1 FROM " + guard + ")";
  }

  /** Whether no event was added. */
  public boolean isEmpty() {
    return streams.isEmpty();
  }
}
