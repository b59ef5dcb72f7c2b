package io.paystream.webhooks;

import io.paystream.shared.event.EventType;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A merchant's webhook endpoint.
 *
 * @param events the events it receives, or {@code null} for every webhook event
 */
public record Endpoint(
    UUID id,
    UUID merchantId,
    String url,
    List<String> events,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt) {

  /** Every event an endpoint can receive, in a stable order. */
  public static final List<String> ALL_EVENTS =
      EventType.webhookEvents().stream().map(EventType::wireName).toList();

  /** Writes {@code {"id","url","events","enabled","created_at","updated_at"}}. */
  public JsonWriter write(JsonWriter w) {
    w.beginObject().name("id").value(id.toString()).name("url").value(url);
    w.name("events").beginArray();
    for (String e : events == null ? ALL_EVENTS : events) {
      w.value(e);
    }
    w.endArray().name("enabled").value(enabled);
    w.name("created_at").value(Timestamps.format(createdAt));
    return w.name("updated_at").value(Timestamps.format(updatedAt)).endObject();
  }

  public byte[] toBytes() {
    return write(new JsonWriter()).toBytes();
  }
}
