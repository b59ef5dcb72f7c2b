package io.paystream.refunds.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.refunds.messaging.Workers;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.stream.StreamConsumer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The service's own metrics, registered at start so they exist before the first refund. */
@ApplicationScoped
public class Meters {
  void register(
      @Observes StartupEvent event, MeterRegistry registry, Workers workers, OutboxRelay relay) {
    Gauge.builder("paystream.worker.in_flight", workers, Workers::refundsInFlight)
        .description("Refund jobs held by this instance, waiting for their due time")
        .register(registry);
    FunctionCounter.builder("paystream.outbox.published", relay, OutboxRelay::publishedCount)
        .description("Outbox events published to Redis by this instance")
        .register(registry);
    for (StreamConsumer c : workers.all()) {
      String stream = c.options().stream();
      FunctionCounter.builder("paystream.stream.handled", c, StreamConsumer::handledCount)
          .description("Stream entries handled and acknowledged by this instance")
          .tag("stream", stream)
          .register(registry);
      FunctionCounter.builder(
              "paystream.stream.dead_lettered", c, StreamConsumer::deadLetteredCount)
          .description("Stream entries moved to the dead-letter stream by this instance")
          .tag("stream", stream)
          .register(registry);
    }
    for (String outcome :
        new String[] {"created", "exceeds", "not_refundable", "unknown_payment"}) {
      registry.counter("paystream.refunds.requests", "outcome", outcome);
    }
    registry.counter("paystream.refunds.processed");
  }
}
