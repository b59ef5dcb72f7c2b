package io.paystream.webhooks.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.paystream.shared.retry.RetrySchedule;
import io.paystream.shared.signing.SigningSecret;
import io.paystream.shared.signing.WebhookSignature;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.webhooks.Delivery;
import io.paystream.webhooks.signing.SigningKeys;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Attempts the deliveries this instance holds leases on, at once and side by side, and hands each
 * outcome to the {@link AttemptWriter} with what it means for the delivery: delivered, due again
 * per the retry schedule, or failed for good.
 */
@ApplicationScoped
public class Dispatcher {
  private static final Logger LOG = Logger.getLogger(Dispatcher.class);

  /** Buckets of the attempt latency: around the sender's 5 s timeout, and past it. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(3),
    Duration.ofSeconds(4),
    Duration.ofSeconds(5),
    Duration.ofSeconds(6)
  };

  private final DatabaseClock clock;
  private final WebhookSender sender;
  private final SigningKeys keys;
  private final RetrySchedule schedule;
  private final InFlight inFlight;
  private final AttemptWriter writer;
  private final DeliveryScheduler scheduler;
  private final Timer deliveredLatency;
  private final Timer failedLatency;
  private final Counter delivered;
  private final Counter failedAttempts;
  private final Counter rejected;

  public Dispatcher(
      WebhookSender sender,
      SigningKeys keys,
      RetrySchedule schedule,
      InFlight inFlight,
      AttemptWriter writer,
      DeliveryScheduler scheduler,
      DatabaseClock clock,
      MeterRegistry registry) {
    this.clock = clock;
    this.sender = sender;
    this.keys = keys;
    this.schedule = schedule;
    this.inFlight = inFlight;
    this.writer = writer;
    this.scheduler = scheduler;
    this.deliveredLatency = latency(registry, "delivered");
    this.failedLatency = latency(registry, "failed");
    this.delivered = attempts(registry, "delivered");
    this.failedAttempts = attempts(registry, "failed");
    this.rejected = attempts(registry, "rejected");
  }

  /**
   * Attempts sent, by how long their answer took, in buckets (not quantiles worked out by each
   * instance, which cannot be added up across replicas): up to the 5 s the sender waits, and beyond
   * for what ran over it.
   */
  private static Timer latency(MeterRegistry registry, String result) {
    return Timer.builder("paystream.webhook.attempt.latency")
        .description(
            "Time from sending a webhook to its answer's end, its breaking off or the deadline (or"
                + " failure), by result"
                + " (delivered, failed)")
        .tag("result", result)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  private static Counter attempts(MeterRegistry registry, String result) {
    return Counter.builder("paystream.webhook.attempts")
        .description("Delivery attempts by result")
        .tag("result", result)
        .register(registry);
  }

  /**
   * Attempts each delivery now; the caller has leased them to this instance. One whose lease is too
   * far gone ({@link DueDelivery#startBy}) is not sent: a claim leases it again once it is due.
   */
  public void dispatch(List<DueDelivery> leased) {
    for (DueDelivery d : leased) {
      Instant attemptedAt = clock.now();
      if (attemptedAt.isAfter(d.startBy())) {
        LOG.debugf(
            "delivery %s: leased too late to be attempted under its lease; left to a claim",
            d.id());
        scheduler.wakeAt(attemptedAt);
        continue;
      }
      inFlight.start(d.id(), d.startBy(), d.merchantId(), d.endpointId());
      Uni.createFrom()
          .deferred(() -> attempt(d, attemptedAt)) // whatever goes wrong ends as a failed attempt
          .subscribe()
          .with(
              result -> done(d, attemptedAt, result),
              err -> {
                // Ours, not the endpoint's: the operator finds it here, by the ids in the log.
                LOG.errorf(
                    err,
                    "delivery %s (event %s, request %s): the attempt failed here, before or while"
                        + " sending",
                    d.id(),
                    d.eventId(),
                    d.requestId());
                done(d, attemptedAt, new DeliveryResult.Failed(null, null, "internal error", 0));
              });
    }
  }

  private Uni<DeliveryResult> attempt(DueDelivery d, Instant at) {
    if (d.refusal() != null) {
      return Uni.createFrom().item(new DeliveryResult.Rejected(d.refusal()));
    }
    List<SigningSecret> secrets = keys.live(d.secrets(), at);
    if (secrets.isEmpty()) {
      LOG.warnf(
          "delivery %s (event %s): no signing secret of merchant %s is live; not sent",
          d.id(), d.eventId(), d.merchantId());
      return Uni.createFrom()
          .item(new DeliveryResult.Failed(null, null, "no signing secret for the merchant yet", 0));
    }
    WebhookSignature sig =
        WebhookSignature.sign(d.payload(), d.eventId(), at.getEpochSecond(), secrets);
    // Only requests sent are timed: one refused or never sent took no time at the endpoint.
    return sender
        .send(d.url(), d.payload(), sig)
        .invoke(
            result ->
                (result instanceof DeliveryResult.Delivered ? deliveredLatency : failedLatency)
                    .record(result.latencyMs(), TimeUnit.MILLISECONDS));
  }

  private void done(DueDelivery d, Instant attemptedAt, DeliveryResult result) {
    if (inFlight.finish(d.merchantId(), d.endpointId())) {
      scheduler.wake();
    }
    AttemptRecord outcome = record(d, attemptedAt, result);
    if (Delivery.FAILED.equals(outcome.status())) {
      gaveUp(d, outcome);
    }
    writer.write(outcome);
  }

  /**
   * One line for a delivery that will not be attempted again unless retried by hand, with the ids
   * an operator follows it by: the request that caused its event among them. Not the endpoint's
   * URL, which may carry a merchant's token.
   */
  private static void gaveUp(DueDelivery d, AttemptRecord outcome) {
    LOG.infof(
        "delivery %s failed after attempt %d and is not tried again (event %s %s, request %s,"
            + " endpoint %s, merchant %s): %s",
        d.id(),
        outcome.attempt(),
        d.eventType(),
        d.eventId(),
        d.requestId(),
        d.endpointId(),
        d.merchantId(),
        outcome.error() != null ? outcome.error() : "answered " + outcome.responseCode());
  }

  /**
   * What an attempt's result makes of its delivery. The next attempt counts from when this one was
   * made: the schedule's delays are the times between attempts, whatever each took (a timed-out
   * attempt took 5 s).
   */
  AttemptRecord record(DueDelivery d, Instant attemptedAt, DeliveryResult result) {
    int attempt = d.attemptsBefore() + 1;
    if (result instanceof DeliveryResult.Delivered ok) {
      delivered.increment();
      return new AttemptRecord(
          d.id(),
          d.leaseToken(),
          attempt,
          attemptedAt,
          ok.status(),
          ok.latencyMs(),
          ok.body(),
          null,
          Delivery.SUCCESS,
          null,
          d.url());
    }
    if (result instanceof DeliveryResult.Failed f) {
      failedAttempts.increment();
      Instant next = schedule.nextAttemptAt(attempt, attemptedAt);
      return new AttemptRecord(
          d.id(),
          d.leaseToken(),
          attempt,
          attemptedAt,
          f.status(),
          f.latencyMs(),
          f.body(),
          f.error(),
          next == null ? Delivery.FAILED : Delivery.PENDING,
          next,
          d.url());
    }
    rejected.increment();
    DeliveryResult.Rejected r = (DeliveryResult.Rejected) result;
    return new AttemptRecord(
        d.id(),
        d.leaseToken(),
        attempt,
        attemptedAt,
        null,
        0,
        null,
        r.reason(),
        Delivery.FAILED,
        null,
        d.url());
  }
}
