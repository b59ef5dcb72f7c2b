package io.paystream.webhooks.health;

import io.paystream.shared.stream.StreamConsumer;
import io.paystream.webhooks.delivery.DeliveryScheduler;
import io.paystream.webhooks.messaging.Consumers;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of each background loop, read from its own state (never blocking). */
public final class LoopReadiness {
  private LoopReadiness() {}

  private static HealthCheckResponse loop(String name, StreamConsumer consumer) {
    return HealthCheckResponse.named(name)
        .status(consumer.isHealthy())
        .withData("handled", consumer.handledCount())
        .withData("in_flight", consumer.inFlight())
        .build();
  }

  /** The payment events consumer has returned from Redis recently. */
  @Readiness
  @ApplicationScoped
  public static class PaymentEvents implements HealthCheck {
    private final Consumers consumers;

    public PaymentEvents(Consumers consumers) {
      this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
      return loop("payment-events-consumer", consumers.payments());
    }
  }

  /** The refund events consumer has returned from Redis recently. */
  @Readiness
  @ApplicationScoped
  public static class RefundEvents implements HealthCheck {
    private final Consumers consumers;

    public RefundEvents(Consumers consumers) {
      this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
      return loop("refund-events-consumer", consumers.refunds());
    }
  }

  /** The merchant events consumer has returned from Redis recently. */
  @Readiness
  @ApplicationScoped
  public static class MerchantEvents implements HealthCheck {
    private final Consumers consumers;

    public MerchantEvents(Consumers consumers) {
      this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
      return loop("merchant-events-consumer", consumers.merchants());
    }
  }

  /** The delivery scheduler's claim rounds have been completing. */
  @Readiness
  @ApplicationScoped
  public static class Scheduler implements HealthCheck {
    private final DeliveryScheduler scheduler;

    public Scheduler(DeliveryScheduler scheduler) {
      this.scheduler = scheduler;
    }

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("delivery-scheduler").status(scheduler.isHealthy()).build();
    }
  }
}
