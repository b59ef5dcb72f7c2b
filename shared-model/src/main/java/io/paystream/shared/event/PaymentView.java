package io.paystream.shared.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import java.time.Instant;

/**
 * A payment as clients see it: the body of {@code GET /api/v1/payments/{id}}, the data of payment
 * events and of payment webhooks. Written in one field order everywhere.
 */
public record PaymentView(
    String id,
    String orderId,
    String merchantId,
    long amount,
    String currency,
    String method,
    String vpa,
    String cardNetwork,
    String cardLast4,
    String status,
    boolean captured,
    String errorCode,
    String errorDescription,
    long amountRefunded,
    Instant createdAt,
    Instant updatedAt) {

  public static final String PENDING = "pending";
  public static final String SUCCESS = "success";
  public static final String FAILED = "failed";

  /**
   * Where a payment written before its order is read ({@link #writeAwaitingOrder}) has its order's
   * amount: a {@link JsonWriter#slot}, for the statement that reads the order to replace with the
   * amount as JSON.
   */
  public static final char AMOUNT_SLOT = '\u0001';

  /** Where such a payment has its order's currency, to be replaced with the currency as JSON. */
  public static final char CURRENCY_SLOT = '\u0002';

  /** A payment as it is accepted at {@code at}: pending, with nothing captured or refunded. */
  public static PaymentView accepted(
      String id,
      String orderId,
      String merchantId,
      long amount,
      String currency,
      String method,
      String vpa,
      String cardNetwork,
      String cardLast4,
      Instant at) {
    return new PaymentView(
        id,
        orderId,
        merchantId,
        amount,
        currency,
        method,
        vpa,
        cardNetwork,
        cardLast4,
        PENDING,
        false,
        null,
        null,
        0,
        at,
        at);
  }

  /** This payment with its order's amount and currency. */
  public PaymentView withOrderTerms(long orderAmount, String orderCurrency) {
    return new PaymentView(
        id,
        orderId,
        merchantId,
        orderAmount,
        orderCurrency,
        method,
        vpa,
        cardNetwork,
        cardLast4,
        status,
        captured,
        errorCode,
        errorDescription,
        amountRefunded,
        createdAt,
        updatedAt);
  }

  /** Writes this payment as one JSON object. */
  public JsonWriter write(JsonWriter w) {
    return write(w, false);
  }

  /**
   * Writes this payment with {@link #AMOUNT_SLOT} and {@link #CURRENCY_SLOT} in place of its amount
   * and currency, which are ignored: for a statement that reads the order to fill in.
   */
  public JsonWriter writeAwaitingOrder(JsonWriter w) {
    return write(w, true);
  }

  private JsonWriter write(JsonWriter w, boolean awaitingOrder) {
    w.beginObject();
    w.name("id").value(id).name("order_id").value(orderId).name("merchant_id").value(merchantId);
    if (awaitingOrder) {
      w.name("amount").slot(AMOUNT_SLOT).name("currency").slot(CURRENCY_SLOT);
    } else {
      w.name("amount").value(amount).name("currency").value(currency);
    }
    w.name("method").value(method);
    w.name("vpa").value(vpa).name("card_network").value(cardNetwork);
    w.name("card_last4").value(cardLast4).name("status").value(status);
    w.name("captured").value(captured);
    w.name("error_code").value(errorCode).name("error_description").value(errorDescription);
    w.name("amount_refunded").value(amountRefunded);
    w.name("created_at").value(Timestamps.format(createdAt));
    w.name("updated_at").value(Timestamps.format(updatedAt));
    return w.endObject();
  }

  /** The compact JSON bytes of this payment. */
  public byte[] toBytes() {
    return write(new JsonWriter()).toBytes();
  }

  /** Writes {@code {"payment":{…}}}, the data of payment events. */
  public void writeEventData(JsonWriter w) {
    writeEventData(w, false);
  }

  /** {@link #writeEventData} with the order's amount and currency as slots. */
  public void writeEventDataAwaitingOrder(JsonWriter w) {
    writeEventData(w, true);
  }

  private void writeEventData(JsonWriter w, boolean awaitingOrder) {
    w.beginObject().name("payment");
    write(w, awaitingOrder);
    w.endObject();
  }

  /** Reads a payment written by {@link #write}. */
  public static PaymentView read(JsonNode n) {
    return new PaymentView(
        Json.text(n, "id"),
        Json.text(n, "order_id"),
        Json.text(n, "merchant_id"),
        n.path("amount").asLong(),
        Json.text(n, "currency"),
        Json.text(n, "method"),
        Json.text(n, "vpa"),
        Json.text(n, "card_network"),
        Json.text(n, "card_last4"),
        Json.text(n, "status"),
        n.path("captured").asBoolean(),
        Json.text(n, "error_code"),
        Json.text(n, "error_description"),
        n.path("amount_refunded").asLong(),
        Timestamps.parse(Json.text(n, "created_at")),
        Timestamps.parse(Json.text(n, "updated_at")));
  }

  /** Reads the payment out of a payment event's data. */
  public static PaymentView fromEventData(JsonNode data) {
    return read(data.path("payment"));
  }
}
