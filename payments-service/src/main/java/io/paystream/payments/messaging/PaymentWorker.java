package io.paystream.payments.messaging;

import io.paystream.payments.PendingPayment;
import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.service.PaymentFinisher;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.stream.ConsumerOptions;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamConsumer;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.DatabaseClock;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Processes payments from the payment jobs stream. Each job waits for its bank delay on a Vert.x
 * timer (no thread, no blocked consumer: one instance holds thousands), then the payment is
 * finished and only then is the job acknowledged. Jobs of a dead instance are taken over. Payments
 * are finished on ticks ({@link #finishAt}), so that those due together share a statement.
 */
@ApplicationScoped
public class PaymentWorker {
  static final long FINISH_TICK_MILLIS = 50;

  private final DatabaseClock clock;
  private final StreamConsumer consumer;
  private final PaymentFinisher finisher;
  private final Vertx vertx;

  public PaymentWorker(
      Vertx vertx,
      RedisStreams streams,
      PaymentFinisher finisher,
      PaymentsConfig config,
      DatabaseClock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.finisher = finisher;
    PaymentsConfig.Worker w = config.worker();
    ConsumerOptions options =
        ConsumerOptions.of(Streams.PAYMENT_JOBS, Streams.PAYMENTS_SERVICE, config.instanceId())
            .withMaxInFlight(w.maxInFlight())
            .withClaimMinIdleMillis(w.claimMinIdle().toMillis())
            .withClaimIntervalMillis(w.claimInterval().toMillis());
    this.consumer = new StreamConsumer(vertx, streams, options, this::handle);
  }

  public StreamConsumer consumer() {
    return consumer;
  }

  private Uni<Void> handle(EventEnvelope job) {
    if (job.type() != EventType.PAYMENT_PROCESS) {
      return Uni.createFrom().voidItem();
    }
    PendingPayment pending = PendingPayment.read(job.data());
    // Never waited for by this instance's own clock: a job taken before the first reading of the
    // database's clock (just started, the database slow) waits for one.
    return clock
        .until(vertx, finishAt(pending.dueAt().toEpochMilli()))
        .chain(() -> finisher.finish(pending, job.requestId()))
        .replaceWithVoid();
  }

  /**
   * When a payment due at {@code dueAtMillis} is finished: at the next tick of {@value
   * #FINISH_TICK_MILLIS} ms, so that the payments falling due within one tick are finished by one
   * statement instead of one each; a tick adds less than that to a bank delay of seconds.
   */
  static long finishAt(long dueAtMillis) {
    return Math.floorDiv(dueAtMillis + FINISH_TICK_MILLIS - 1, FINISH_TICK_MILLIS)
        * FINISH_TICK_MILLIS;
  }
}
