package io.paystream.webhooks.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.shared.status.LoopMeters;
import io.paystream.webhooks.delivery.InFlight;
import io.paystream.webhooks.messaging.Consumers;
import io.paystream.webhooks.service.WorkStatus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The service's gauges, registered at start. Counters and the attempt latency timer are registered
 * where they are counted ({@code Dispatcher}, {@code AttemptWriter}).
 */
@ApplicationScoped
public class Meters {
  void register(
      @Observes StartupEvent event,
      MeterRegistry registry,
      InFlight inFlight,
      WorkStatus status,
      Consumers consumers) {
    LoopMeters.consumers(registry, consumers.all());
    Gauge.builder("paystream.webhook.in_flight", inFlight, InFlight::total)
        .description("Delivery attempts this instance is making")
        .register(registry);
    Gauge.builder("paystream.webhook.pending", status, WorkStatus::pending)
        .description("Deliveries not yet delivered or failed (all instances)")
        .register(registry);
    Gauge.builder("paystream.webhook.due_backlog", status, WorkStatus::dueBacklog)
        .description("Deliveries past their due time that no instance has taken yet")
        .register(registry);
    Gauge.builder("paystream.webhook.unclaimed", status, WorkStatus::unclaimed)
        .description(
            "Deliveries more than a second past their due time waiting for any instance to"
                + " claim them (not those held back behind their endpoint's share of attempts)")
        .register(registry);
  }
}
