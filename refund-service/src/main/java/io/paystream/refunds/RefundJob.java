package io.paystream.refunds;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.json.JsonWriter;
import java.time.Instant;

/**
 * A refund waiting to be processed: the data of a refund job, and what the sweeper reads back from
 * PostgreSQL for an overdue one.
 *
 * @param refund the refund as it was accepted (pending)
 * @param dueAt when it is processed, drawn when it was accepted
 */
public record RefundJob(RefundView refund, Instant dueAt) {

  /** The refund as it reads once processed at {@code at}. */
  public RefundView processed(Instant at) {
    RefundView r = refund;
    return new RefundView(
        r.id(),
        r.paymentId(),
        r.merchantId(),
        r.amount(),
        r.reason(),
        RefundView.PROCESSED,
        r.createdAt(),
        at);
  }

  /** Writes the job data. */
  public void write(JsonWriter w) {
    w.beginObject().name("refund");
    refund.write(w);
    w.name("due_at_ms").value(dueAt.toEpochMilli()).endObject();
  }

  /** Reads job data written by {@link #write}. */
  public static RefundJob read(JsonNode data) {
    return new RefundJob(
        RefundView.read(data.path("refund")),
        Instant.ofEpochMilli(data.path("due_at_ms").asLong()));
  }
}
