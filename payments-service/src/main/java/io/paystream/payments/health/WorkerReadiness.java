package io.paystream.payments.health;

import io.paystream.payments.messaging.Background;
import io.paystream.payments.messaging.Workers;
import io.paystream.shared.outbox.OutboxRelay;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the background loops, read from their own state (never blocking). */
public final class WorkerReadiness {
  /**
   * The health group of what this instance needs to answer requests (readiness to take traffic),
   * without Redis, PostgreSQL or the loops: those are the same for every instance, and none of them
   * keeps an instance from answering (without Redis payments are still accepted).
   */
  public static final String SERVING = "serving";

  private WorkerReadiness() {}

  /** The payment worker has returned from Redis recently. */
  @Readiness
  @ApplicationScoped
  public static class PaymentWorker implements HealthCheck {
    private final Workers workers;

    public PaymentWorker(Workers workers) {
      this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("payment-worker")
          .status(workers.paymentWorkerAlive())
          .build();
    }
  }

  /** The refund events consumer has returned from Redis recently. */
  @Readiness
  @ApplicationScoped
  public static class RefundEvents implements HealthCheck {
    private final Workers workers;

    public RefundEvents(Workers workers) {
      this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("refund-events-consumer")
          .status(workers.refundConsumerAlive())
          .build();
    }
  }

  /** The outbox relay is publishing (or has nothing to publish). */
  @Readiness
  @ApplicationScoped
  public static class Outbox implements HealthCheck {
    private final OutboxRelay relay;

    public Outbox(OutboxRelay relay) {
      this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("outbox-relay").status(relay.isHealthy()).build();
    }
  }

  /**
   * The test merchant has been seeded (when seeding is on). Also in the {@code serving} group that
   * Kubernetes' readiness probe reads: the only check that says this instance cannot answer yet.
   */
  @Readiness
  @HealthGroup(WorkerReadiness.SERVING)
  @ApplicationScoped
  public static class Seed implements HealthCheck {
    private final Background background;

    public Seed(Background background) {
      this.background = background;
    }

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("test-merchant-seed").status(background.seeded()).build();
    }
  }
}
