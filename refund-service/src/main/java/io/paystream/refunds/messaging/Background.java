package io.paystream.refunds.messaging;

import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.service.JobStatusService;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.RedisEpochWatch;
import io.paystream.shared.status.StatusPublisher;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts and stops everything that runs in the background: Redis loss detection, the outbox relay,
 * the projection replay when one is due, the consumer loops, periodic upkeep (with the overdue
 * sweep) and the heartbeat. Nothing here blocks start-up: each part retries on its own until its
 * dependencies answer.
 */
@ApplicationScoped
public class Background {
  private static final Logger LOG = Logger.getLogger(Background.class);

  private final Vertx vertx;
  private final RefundsConfig config;
  private final RedisEpochWatch epoch;
  private final OutboxRelay relay;
  private final ProjectionRebuild rebuild;
  private final Workers workers;
  private final Housekeeping housekeeping;
  private final StatusPublisher heartbeat;
  private volatile boolean stopped;

  public Background(
      Vertx vertx,
      RefundsConfig config,
      RedisEpochWatch epoch,
      OutboxRelay relay,
      ProjectionRebuild rebuild,
      Workers workers,
      Housekeeping housekeeping,
      RedisStreams streams,
      JobStatusService jobStatus) {
    this.vertx = vertx;
    this.config = config;
    this.epoch = epoch;
    this.relay = relay;
    this.rebuild = rebuild;
    this.workers = workers;
    this.housekeeping = housekeeping;
    this.heartbeat =
        new StatusPublisher(
            vertx,
            streams,
            Streams.REFUND_SERVICE,
            config.instanceId(),
            workers::alive,
            jobStatus::ownCounts,
            relay::oldestWaitingMillis);
  }

  void onStart(@Observes StartupEvent event) {
    epoch.start(1_000).subscribe().with(ok -> relay.start(), err -> relay.start());
    startWorkers(0);
    housekeeping.start();
    heartbeat.start(config.worker().heartbeatInterval().toMillis());
  }

  void onStop(@Observes ShutdownEvent event) {
    stopped = true;
    heartbeat.stop();
    workers.stop();
    housekeeping.stop();
    epoch.stop();
    relay.stop();
  }

  /** The consumers start once a replay that is due has been set up, so none reads past it. */
  private void startWorkers(int attempt) {
    rebuild
        .prepare(config.projection().rebuild())
        .subscribe()
        .with(
            replayed -> {
              if (!stopped) {
                workers.start();
              }
            },
            err -> {
              LOG.warnf("projection replay not set up yet (%s); retrying", err.getMessage());
              vertx.setTimer(
                  Math.min(5_000, 500L * (attempt + 1)), id -> startWorkers(attempt + 1));
            });
  }
}
