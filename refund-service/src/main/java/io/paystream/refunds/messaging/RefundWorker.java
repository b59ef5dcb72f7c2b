package io.paystream.refunds.messaging;

import io.paystream.refunds.RefundJob;
import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.service.RefundFinisher;
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
 * Processes refunds from the refund jobs stream. Each job waits for its due time on a Vert.x timer
 * (no thread, no blocked consumer: one instance holds thousands), then the refund is processed and
 * only then is the job acknowledged. Jobs of a dead instance are taken over.
 */
@ApplicationScoped
public class RefundWorker {
  private final DatabaseClock clock;
  private final StreamConsumer consumer;
  private final RefundFinisher finisher;
  private final Vertx vertx;

  public RefundWorker(
      Vertx vertx,
      RedisStreams streams,
      RefundFinisher finisher,
      RefundsConfig config,
      DatabaseClock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.finisher = finisher;
    RefundsConfig.Worker w = config.worker();
    ConsumerOptions options =
        ConsumerOptions.of(Streams.REFUND_JOBS, Streams.REFUND_SERVICE, config.instanceId())
            .withMaxInFlight(w.maxInFlight())
            .withClaimMinIdleMillis(w.claimMinIdle().toMillis())
            .withClaimIntervalMillis(w.claimInterval().toMillis());
    this.consumer = new StreamConsumer(vertx, streams, options, this::handle);
  }

  public StreamConsumer consumer() {
    return consumer;
  }

  private Uni<Void> handle(EventEnvelope job) {
    if (job.type() != EventType.REFUND_PROCESS) {
      return Uni.createFrom().voidItem();
    }
    RefundJob refund = RefundJob.read(job.data());
    // Never waited for by this instance's own clock: a job taken before the first reading of the
    // database's clock (just started, the database slow) waits for one.
    return clock
        .until(vertx, refund.dueAt().toEpochMilli())
        .chain(() -> finisher.finish(refund, job.requestId()))
        .replaceWithVoid();
  }
}
