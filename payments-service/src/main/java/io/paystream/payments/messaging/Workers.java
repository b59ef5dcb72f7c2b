package io.paystream.payments.messaging;

import io.paystream.shared.stream.StreamConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** This instance's consumer loops, and what they say about themselves. */
@ApplicationScoped
public class Workers {
  private final PaymentWorker payments;
  private final RefundEventsConsumer refunds;

  public Workers(PaymentWorker payments, RefundEventsConsumer refunds) {
    this.payments = payments;
    this.refunds = refunds;
  }

  /** Every loop. */
  public List<StreamConsumer> all() {
    return List.of(payments.consumer(), refunds.consumer());
  }

  public void start() {
    payments.consumer().start();
    refunds.consumer().start();
  }

  public void stop() {
    StreamConsumer.stopAll(all());
  }

  /** Whether every loop has come back from Redis recently. */
  public boolean alive() {
    return payments.consumer().isHealthy() && refunds.consumer().isHealthy();
  }

  public boolean paymentWorkerAlive() {
    return payments.consumer().isHealthy();
  }

  public boolean refundConsumerAlive() {
    return refunds.consumer().isHealthy();
  }

  /** Payment jobs this instance holds. */
  public long paymentsInFlight() {
    return payments.consumer().inFlight();
  }
}
