package io.paystream.refunds.health;

import io.paystream.refunds.messaging.Workers;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.stream.StreamConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the background loops, read from their own state (never blocking). */
public final class WorkerReadiness {
  private WorkerReadiness() {}

  /** Every consumer loop (merchant events, payment events, refund jobs) returned from Redis. */
  @Readiness
  @ApplicationScoped
  public static class Consumers implements HealthCheck {
    private final Workers workers;

    public Consumers(Workers workers) {
      this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
      HealthCheckResponseBuilder b = HealthCheckResponse.named("stream-consumers");
      for (StreamConsumer c : workers.all()) {
        b.withData(c.options().stream(), c.isHealthy() ? "UP" : "DOWN");
      }
      return b.status(workers.alive()).build();
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
}
