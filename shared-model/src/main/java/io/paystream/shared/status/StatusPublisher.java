package io.paystream.shared.status;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Publishes this instance's heartbeat every {@code intervalMillis} to the capped status stream. The
 * worker flag is read live from the worker loops, never assumed. Each tick reports on its own, so a
 * report held up (a query on a dead connection) holds up no other; each says how long before its
 * adding its counts were read, and readers take an instance's most recently read report.
 */
public final class StatusPublisher {
  private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

  /** The status stream keeps about this many reports. */
  public static final long MAX_LEN = 4_000;

  private final Vertx vertx;
  private final RedisStreams streams;
  private final String service;
  private final String instance;
  private final BooleanSupplier workersAlive;
  private final Supplier<Uni<JobCounts>> counts;
  private final Supplier<Uni<Long>> outboxWaiting;
  private volatile long timer = -1;

  /**
   * @param outboxWaiting how long the oldest committed event has waited to be published ({@link
   *     io.paystream.shared.outbox.OutboxRelay#oldestWaitingMillis}; always 0 for a service without
   *     an outbox)
   */
  public StatusPublisher(
      Vertx vertx,
      RedisStreams streams,
      String service,
      String instance,
      BooleanSupplier workersAlive,
      Supplier<Uni<JobCounts>> counts,
      Supplier<Uni<Long>> outboxWaiting) {
    this.vertx = vertx;
    this.streams = streams;
    this.service = service;
    this.instance = instance;
    this.workersAlive = workersAlive;
    this.counts = counts;
    this.outboxWaiting = outboxWaiting;
  }

  public void start(long intervalMillis) {
    timer =
        vertx.setPeriodic(
            intervalMillis,
            id -> Uni.createFrom().deferred(this::publish).subscribe().with(ok -> {}, err -> {}));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Publishes one report now. */
  public Uni<Void> publish() {
    long reading = System.nanoTime();
    return Uni.combine()
        .all()
        .unis(counts.get(), outboxWaiting.get())
        .asTuple()
        .map(
            t ->
                new ServiceStatus(
                    service,
                    instance,
                    Timestamps.now(),
                    workersAlive.getAsBoolean(),
                    t.getItem1(),
                    t.getItem2(),
                    sinceMillis(reading)))
        .chain(status -> add(streams, status))
        .onFailure()
        .invoke(err -> LOG.debugf("status report not published: %s", err.getMessage()))
        .replaceWithVoid();
  }

  /** Adds {@code status} to the status stream, as every instance's reports are added. */
  public static Uni<String> add(RedisStreams streams, ServiceStatus status) {
    return streams.add(Streams.SERVICE_STATUS, MAX_LEN, status.encode());
  }

  /** Whole milliseconds since {@code nanos}, rounded up: a report is never made younger. */
  private static long sinceMillis(long nanos) {
    return (System.nanoTime() - nanos + 999_999) / 1_000_000;
  }
}
