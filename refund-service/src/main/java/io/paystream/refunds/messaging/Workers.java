package io.paystream.refunds.messaging;

import io.paystream.shared.stream.StreamConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** This instance's consumer loops, and what they say about themselves. */
@ApplicationScoped
public class Workers {
  private final MerchantEventsConsumer merchants;
  private final PaymentEventsConsumer payments;
  private final RefundWorker refunds;

  public Workers(
      MerchantEventsConsumer merchants, PaymentEventsConsumer payments, RefundWorker refunds) {
    this.merchants = merchants;
    this.payments = payments;
    this.refunds = refunds;
  }

  /** Every loop, projections first. */
  public List<StreamConsumer> all() {
    return List.of(merchants.consumer(), payments.consumer(), refunds.consumer());
  }

  public void start() {
    all().forEach(StreamConsumer::start);
  }

  public void stop() {
    StreamConsumer.stopAll(all());
  }

  /** Whether every loop has come back from Redis recently. */
  public boolean alive() {
    return all().stream().allMatch(StreamConsumer::isHealthy);
  }

  /** Refund jobs this instance holds. */
  public long refundsInFlight() {
    return refunds.consumer().inFlight();
  }
}
