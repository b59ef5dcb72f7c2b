package io.paystream.payments.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.payments.messaging.Workers;
import io.paystream.shared.outbox.OutboxRelay;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The service's own metrics, registered at start so they exist before the first payment. */
@ApplicationScoped
public class Meters {
  void register(
      @Observes StartupEvent event, MeterRegistry registry, Workers workers, OutboxRelay relay) {
    Gauge.builder("paystream.worker.in_flight", workers, Workers::paymentsInFlight)
        .description("Payment jobs held by this instance, waiting for the bank")
        .register(registry);
    FunctionCounter.builder("paystream.outbox.published", relay, OutboxRelay::publishedCount)
        .description("Outbox events published to Redis by this instance")
        .register(registry);
    registry.counter("paystream.payments.finished", "status", "success");
    registry.counter("paystream.payments.finished", "status", "failed");
  }
}
