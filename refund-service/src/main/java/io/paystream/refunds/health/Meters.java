package io.paystream.refunds.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.refunds.messaging.Workers;
import io.paystream.refunds.service.PaymentSightings;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.status.LoopMeters;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The service's own metrics, registered at start so they exist before the first refund. */
@ApplicationScoped
public class Meters {
  void register(
      @Observes StartupEvent event,
      MeterRegistry registry,
      Workers workers,
      OutboxRelay relay,
      PaymentSightings sightings) {
    Gauge.builder("paystream.refunds.waiting_for_payment", sightings, PaymentSightings::waiting)
        .description("Requests waiting for news of a payment this service has not seen settle yet")
        .register(registry);
    Gauge.builder("paystream.worker.in_flight", workers, Workers::refundsInFlight)
        .description("Refund jobs held by this instance, waiting for their due time")
        .register(registry);
    LoopMeters.relay(registry, relay);
    LoopMeters.consumers(registry, workers.all());
    for (String outcome :
        new String[] {"created", "exceeds", "not_refundable", "unknown_payment", "in_doubt"}) {
      Counter.builder("paystream.refunds.requests")
          .description(
              "Refund requests answered by this instance, by outcome (created; refused as"
                  + " exceeds, not_refundable, unknown_payment; in_doubt when the answer was lost)")
          .tag("outcome", outcome)
          .register(registry);
    }
    Counter.builder("paystream.refunds.processed")
        .description("Refunds this instance processed (finished) at their due time")
        .register(registry);
  }
}
