package io.paystream.payments.messaging;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.service.JobStatusService;
import io.paystream.payments.service.OnboardingService;
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
 * Starts and stops everything that runs in the background: the test merchant seed, Redis loss
 * detection, the outbox relay, the consumer loops, the sweeper, upkeep and the heartbeat. Nothing
 * here blocks start-up: each part retries on its own until its dependencies answer.
 */
@ApplicationScoped
public class Background {
  private static final Logger LOG = Logger.getLogger(Background.class);

  private final Vertx vertx;
  private final PaymentsConfig config;
  private final OnboardingService merchants;
  private final RedisEpochWatch epoch;
  private final OutboxRelay relay;
  private final Workers workers;
  private final OverdueSweeper sweeper;
  private final Housekeeping housekeeping;
  private final StatusPublisher heartbeat;
  private volatile boolean seeded;

  public Background(
      Vertx vertx,
      PaymentsConfig config,
      OnboardingService merchants,
      RedisEpochWatch epoch,
      OutboxRelay relay,
      Workers workers,
      OverdueSweeper sweeper,
      Housekeeping housekeeping,
      RedisStreams streams,
      JobStatusService jobStatus) {
    this.vertx = vertx;
    this.config = config;
    this.merchants = merchants;
    this.epoch = epoch;
    this.relay = relay;
    this.workers = workers;
    this.sweeper = sweeper;
    this.housekeeping = housekeeping;
    this.heartbeat =
        new StatusPublisher(
            vertx,
            streams,
            Streams.PAYMENTS_SERVICE,
            config.instanceId(),
            workers::alive,
            jobStatus::ownCounts,
            relay::oldestWaitingMillis);
  }

  void onStart(@Observes StartupEvent event) {
    if (config.seedTestMerchant()) {
      seed(0);
    } else {
      seeded = true;
    }
    epoch.start(1_000).subscribe().with(ok -> relay.start(), err -> relay.start());
    workers.start();
    sweeper.start();
    housekeeping.start();
    heartbeat.start(config.worker().heartbeatInterval().toMillis());
  }

  void onStop(@Observes ShutdownEvent event) {
    heartbeat.stop();
    workers.stop();
    sweeper.stop();
    housekeeping.stop();
    epoch.stop();
    relay.stop();
  }

  /** Whether the test merchant exists (or is not wanted): part of readiness. */
  public boolean seeded() {
    return seeded;
  }

  private void seed(int attempt) {
    merchants
        .seedTestMerchant()
        .subscribe()
        .with(
            ok -> seeded = true,
            err -> {
              LOG.warnf("test merchant not seeded yet (%s); retrying", err.getMessage());
              vertx.setTimer(Math.min(5_000, 500L * (attempt + 1)), id -> seed(attempt + 1));
            });
  }
}
