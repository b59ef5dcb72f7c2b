package io.paystream.payments;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import java.time.Instant;

/**
 * A payment waiting for the bank: the data of a payment job, and what the sweeper reads back from
 * PostgreSQL for an overdue one.
 *
 * @param payment the payment as it was accepted (pending)
 * @param outcome the bank's answer, drawn when it was accepted
 * @param dueAt when the bank answers
 */
public record PendingPayment(PaymentView payment, PaymentOutcome outcome, Instant dueAt) {

  /** The payment as it reads once finished at {@code at}. */
  public PaymentView finished(Instant at) {
    PaymentView p = payment;
    return new PaymentView(
        p.id(),
        p.orderId(),
        p.merchantId(),
        p.amount(),
        p.currency(),
        p.method(),
        p.vpa(),
        p.cardNetwork(),
        p.cardLast4(),
        outcome.status(),
        false,
        outcome.errorCode(),
        outcome.errorDescription(),
        0,
        p.createdAt(),
        at);
  }

  /** Writes the job data. */
  public void write(JsonWriter w) {
    write(w, false);
  }

  /**
   * Writes the job data with the order's amount and currency as slots (see {@link PaymentView}).
   */
  public void writeAwaitingOrder(JsonWriter w) {
    write(w, true);
  }

  private void write(JsonWriter w, boolean awaitingOrder) {
    w.beginObject().name("payment");
    if (awaitingOrder) {
      payment.writeAwaitingOrder(w);
    } else {
      payment.write(w);
    }
    w.name("outcome").beginObject().name("status").value(outcome.status());
    w.name("error_code").value(outcome.errorCode());
    w.name("error_description").value(outcome.errorDescription()).endObject();
    w.name("due_at_ms").value(dueAt.toEpochMilli()).endObject();
  }

  /** Reads job data written by {@link #write}. */
  public static PendingPayment read(JsonNode data) {
    JsonNode o = data.path("outcome");
    return new PendingPayment(
        PaymentView.read(data.path("payment")),
        new PaymentOutcome(
            Json.text(o, "status"), Json.text(o, "error_code"), Json.text(o, "error_description")),
        Instant.ofEpochMilli(data.path("due_at_ms").asLong()));
  }
}
