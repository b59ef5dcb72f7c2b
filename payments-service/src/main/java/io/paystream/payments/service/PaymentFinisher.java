package io.paystream.payments.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.payments.PendingPayment;
import io.paystream.payments.repository.PaymentRepository;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Moves a pending payment to its drawn outcome, exactly once however many workers try: the update
 * only applies to a payment still pending, and the success/failure event is written by the same
 * statement.
 */
@ApplicationScoped
public class PaymentFinisher {
  private final PaymentRepository payments;
  private final OutboxRelay relay;
  private final MeterRegistry metrics;

  public PaymentFinisher(PaymentRepository payments, OutboxRelay relay, MeterRegistry metrics) {
    this.payments = payments;
    this.relay = relay;
    this.metrics = metrics;
  }

  /** Finishes the payment; emits whether this call was the one that finished it. */
  public Uni<Boolean> finish(PendingPayment pending, String requestId) {
    Instant now = Timestamps.now();
    PaymentView finished = pending.finished(now);
    EventType type =
        PaymentView.SUCCESS.equals(finished.status())
            ? EventType.PAYMENT_SUCCESS
            : EventType.PAYMENT_FAILED;
    OutboxSql events =
        new OutboxSql(finished.merchantId(), requestId)
            .add(Streams.PAYMENT_EVENTS, type, finished::writeEventData);
    return payments
        .finish(pending, now, events)
        .invoke(
            done -> {
              if (done) {
                metrics
                    .counter("paystream.payments.finished", "status", finished.status())
                    .increment();
                relay.kick();
              }
            });
  }
}
