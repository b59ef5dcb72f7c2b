package io.paystream.webhooks;

import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A delivery as the log shows it: one event to one endpoint, with its attempts since creation or
 * the last manual retry.
 *
 * @param nextRetryAt when the next attempt is due; {@code null} once it succeeded or failed
 */
public record Delivery(
    UUID id,
    String eventId,
    String event,
    UUID endpointId,
    String endpointUrl,
    String status,
    int attempts,
    Instant createdAt,
    Instant lastAttemptAt,
    Instant nextRetryAt,
    Integer responseCode) {

  public static final String PENDING = "pending";
  public static final String SUCCESS = "success";
  public static final String FAILED = "failed";

  /** Writes the list item. */
  public JsonWriter write(JsonWriter w) {
    w.beginObject();
    writeFields(w);
    return w.endObject();
  }

  /** Writes the detail: the list item, the exact body sent and every attempt, oldest first. */
  public byte[] detail(byte[] payload, List<Attempt> history) {
    JsonWriter w = new JsonWriter().beginObject();
    writeFields(w);
    // The stored body is compact canonical JSON: embedded as is, it is byte for byte what was sent.
    w.name("payload").rawJson(new String(payload, StandardCharsets.UTF_8));
    w.name("attempt_history").beginArray();
    for (Attempt a : history) {
      a.write(w);
    }
    return w.endArray().endObject().toBytes();
  }

  private void writeFields(JsonWriter w) {
    w.name("id").value(id.toString()).name("event").value(event);
    w.name("endpoint_url").value(endpointUrl).name("status").value(status);
    w.name("attempts").value(attempts);
    w.name("created_at").value(Timestamps.format(createdAt));
    w.name("last_attempt_at").value(Timestamps.format(lastAttemptAt));
    w.name("next_retry_at").value(Timestamps.format(nextRetryAt));
    w.name("response_code").value(responseCode == null ? null : responseCode.longValue());
    w.name("event_id").value(eventId).name("endpoint_id").value(endpointId.toString());
  }
}
