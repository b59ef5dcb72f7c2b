package io.paystream.payments.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.payments.messaging.Workers;
import io.paystream.payments.service.JobStatusService;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.status.LoopMeters;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The service's own metrics, registered at start so they exist before the first payment. */
@ApplicationScoped
public class Meters {
  void register(
      @Observes StartupEvent event,
      MeterRegistry registry,
      Workers workers,
      OutboxRelay relay,
      JobStatusService jobStatus) {
    Gauge.builder("paystream.worker.in_flight", workers, Workers::paymentsInFlight)
        .description("Payment jobs held by this instance, waiting for the bank")
        .register(registry);
    LoopMeters.relay(registry, relay);
    LoopMeters.consumers(registry, workers.all());
    for (String status : new String[] {"success", "failed"}) {
      Counter.builder("paystream.payments.finished")
          .description(
              "Payments this instance finished with the bank's answer, by final status (success,"
                  + " failed)")
          .tag("status", status)
          .register(registry);
    }
    FunctionCounter.builder("paystream.job_status.reads", jobStatus, JobStatusService::readsMade)
        .description("Reads made for GET /api/v1/test/jobs/status; requests at once share one")
        .register(registry);
  }
}
