package io.paystream.webhooks.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.json.JsonWriter;
import java.time.Instant;
import java.util.UUID;

/**
 * The body of a webhook, {@code {"event","timestamp","data"}}, serialized once with the canonical
 * writer: the bytes stored are the bytes signed and sent, and what JavaScript's {@code
 * JSON.stringify(JSON.parse(body))} gives back.
 */
public final class WebhookBody {
  private WebhookBody() {}

  /** The body of an event whose data is {@code data} (e.g. {@code {"payment":{…}}}). */
  public static byte[] of(String event, Instant at, JsonNode data) {
    JsonWriter w = new JsonWriter().beginObject().name("event").value(event);
    w.name("timestamp").value(at.getEpochSecond()).name("data").value(data);
    return w.endObject().toBytes();
  }

  /** The body of a {@code webhook.test} event for one endpoint. */
  public static byte[] test(Instant at, UUID endpointId) {
    JsonWriter w = new JsonWriter().beginObject().name("event").value("webhook.test");
    w.name("timestamp").value(at.getEpochSecond()).name("data").beginObject();
    w.name("test").value(true).name("endpoint_id").value(endpointId.toString()).endObject();
    return w.endObject().toBytes();
  }
}
