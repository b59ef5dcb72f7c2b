package io.paystream.payments;

import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import java.time.Instant;
import java.util.UUID;

/**
 * An order: what the shopper is asked to pay.
 *
 * @param notes the merchant's notes as canonical JSON object text
 */
public record Order(
    String id,
    UUID merchantId,
    long amount,
    String currency,
    String receipt,
    String notes,
    String status,
    Instant createdAt,
    Instant updatedAt) {

  public static final String CREATED = "created";
  public static final String ATTEMPTED = "attempted";
  public static final String PAID = "paid";

  /** Writes the order as clients see it. */
  public JsonWriter write(JsonWriter w) {
    w.beginObject().name("id").value(id).name("merchant_id").value(merchantId.toString());
    w.name("amount").value(amount).name("currency").value(currency).name("receipt").value(receipt);
    w.name("notes").rawJson(notes).name("status").value(status);
    w.name("created_at").value(Timestamps.format(createdAt));
    return w.name("updated_at").value(Timestamps.format(updatedAt)).endObject();
  }

  public byte[] toBytes() {
    return write(new JsonWriter()).toBytes();
  }
}
