package io.paystream.shared.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.id.Ids;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The one envelope of every stream entry: {@code
 * {"id","type","created_at","merchant_id","request_id","data"}}.
 *
 * <p>Producers write it with {@link #encode}, consumers read it with {@link #decode}. The {@code
 * id} is what consumers deduplicate on; {@code request_id} carries the request that caused the
 * event into logs downstream.
 *
 * @param id the event id ({@code evt_…})
 * @param type what happened
 * @param createdAt when it happened
 * @param merchantId the merchant it belongs to, or {@code null} for system entries
 * @param requestId the request that caused it, or {@code null}
 * @param data the event body; its shape depends on {@code type}
 */
public record EventEnvelope(
    String id,
    EventType type,
    Instant createdAt,
    String merchantId,
    String requestId,
    JsonNode data) {

  /** Encodes an envelope whose data is written by {@code data}. */
  public static String encode(
      String id,
      EventType type,
      Instant createdAt,
      String merchantId,
      String requestId,
      Consumer<JsonWriter> data) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("id").value(id).name("type").value(type.wireName());
    w.name("created_at").value(Timestamps.format(createdAt));
    w.name("merchant_id").value(merchantId).name("request_id").value(requestId);
    w.name("data");
    data.accept(w);
    return w.endObject().toString();
  }

  /** Encodes a new event (fresh id, now) whose data is written by {@code data}. */
  public static String encodeNew(
      EventType type, String merchantId, String requestId, Consumer<JsonWriter> data) {
    return encode(Ids.event(), type, Timestamps.now(), merchantId, requestId, data);
  }

  /**
   * Whether an encoded envelope is the event {@code id}, told without decoding it: {@link #encode}
   * writes the id first.
   */
  public static boolean hasId(String json, String id) {
    return json != null && json.startsWith("{\"id\":\"" + id + "\",");
  }

  /**
   * Decodes an entry.
   *
   * @throws UnknownTypeException when it is an envelope of a type this release does not know (one a
   *     newer release writes)
   * @throws IllegalArgumentException when it is not an envelope
   */
  public static EventEnvelope decode(String json) {
    JsonNode node = Json.parse(json);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not an event envelope");
    }
    String typeName = node.path("type").asText(null);
    String id = node.path("id").asText(null);
    if (typeName == null || id == null) {
      throw new IllegalArgumentException("event envelope without a type or an id");
    }
    EventType type = EventType.fromWireName(typeName);
    if (type == null) {
      throw new UnknownTypeException(typeName);
    }
    return new EventEnvelope(
        id,
        type,
        Timestamps.parse(node.path("created_at").asText(null)),
        textOrNull(node.get("merchant_id")),
        textOrNull(node.get("request_id")),
        node.path("data"));
  }

  /** An envelope of a type this release does not know. */
  public static final class UnknownTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownTypeException(String type) {
      super("an event of an unknown type: " + type);
    }
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
