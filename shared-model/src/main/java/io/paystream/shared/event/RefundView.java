package io.paystream.shared.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import java.time.Instant;

/**
 * A refund as clients see it: the body of {@code GET /api/v1/refunds/{id}}, the data of refund
 * events and of refund webhooks.
 */
public record RefundView(
    String id,
    String paymentId,
    String merchantId,
    long amount,
    String reason,
    String status,
    Instant createdAt,
    Instant processedAt) {

  public static final String PENDING = "pending";
  public static final String PROCESSED = "processed";
  public static final String FAILED = "failed";

  /** Writes this refund as one JSON object. */
  public JsonWriter write(JsonWriter w) {
    w.beginObject();
    w.name("id").value(id).name("payment_id").value(paymentId);
    w.name("merchant_id").value(merchantId).name("amount").value(amount);
    w.name("reason").value(reason).name("status").value(status);
    w.name("created_at").value(Timestamps.format(createdAt));
    w.name("processed_at").value(Timestamps.format(processedAt));
    return w.endObject();
  }

  /** The compact JSON bytes of this refund. */
  public byte[] toBytes() {
    return write(new JsonWriter()).toBytes();
  }

  /** Writes {@code {"refund":{…}}}, the data of refund events. */
  public void writeEventData(JsonWriter w) {
    w.beginObject().name("refund");
    write(w);
    w.endObject();
  }

  /** Reads a refund written by {@link #write}. */
  public static RefundView read(JsonNode n) {
    return new RefundView(
        Json.text(n, "id"),
        Json.text(n, "payment_id"),
        Json.text(n, "merchant_id"),
        n.path("amount").asLong(),
        Json.text(n, "reason"),
        Json.text(n, "status"),
        Timestamps.parse(Json.text(n, "created_at")),
        Timestamps.parse(Json.text(n, "processed_at")));
  }

  /** Reads the refund out of a refund event's data. */
  public static RefundView fromEventData(JsonNode data) {
    return read(data.path("refund"));
  }
}
