package io.paystream.payments.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.paystream.payments.config.PaymentsConfig;
import io.paystream.shared.stream.EventReach;
import io.paystream.shared.stream.Streams;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Holds the answer to onboarding or an API secret rotation until every service that reads merchant
 * events (refund-service, webhook-service) has applied the new credentials, at most {@code
 * paystream.credentials-reach-wait}: a merchant may use them on any path as soon as it has them. A
 * reader that is down does not hold the answer longer; it learns them when it returns.
 *
 * <p>Each wait is timed in {@code paystream.credentials_reach.wait}, tagged {@code outcome=reached}
 * or {@code outcome=limit}: waits that keep reaching the limit mean a reader is down or behind, or
 * a consumer group is left over from a service removed for good.
 */
@Startup // its meters exist, at zero, before the first wait
@ApplicationScoped
public class CredentialsReach {
  private final EventReach reach;
  private final Duration limit;
  private final Timer reached;
  private final Timer limitReached;

  public CredentialsReach(EventReach reach, PaymentsConfig config, MeterRegistry registry) {
    this.reach = reach;
    this.limit = config.credentialsReachWait();
    this.reached = timer(registry, "reached");
    this.limitReached = timer(registry, "limit");
  }

  private static Timer timer(MeterRegistry registry, String outcome) {
    return Timer.builder("paystream.credentials_reach.wait")
        .description(
            "Waits of onboarding and secret rotation for every merchant-events reader to apply"
                + " the new credentials")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Completes once the merchant event {@code eventId} is applied everywhere, or the wait is over.
   */
  public Uni<Void> await(String eventId) {
    if (limit.isZero() || limit.isNegative()) {
      return Uni.createFrom().voidItem(); // the wait is off: nothing to time
    }
    long start = System.nanoTime();
    return reach
        .await(Streams.MERCHANT_EVENTS, eventId, limit)
        .invoke(
            all ->
                (all ? reached : limitReached)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
        .replaceWithVoid();
  }
}
