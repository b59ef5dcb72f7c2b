package io.paystream.webhooks.messaging;

import io.paystream.shared.status.StatusPublisher;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Monotonic;
import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.delivery.AttemptWriter;
import io.paystream.webhooks.delivery.DeliveryScheduler;
import io.paystream.webhooks.delivery.InFlight;
import io.paystream.webhooks.service.WorkStatus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts and stops everything that runs in the background: the consumer loops, the delivery
 * scheduler, upkeep and the heartbeat. Nothing here blocks start-up: each part retries on its own
 * until its dependencies answer. On shutdown, attempts already made are given time to be logged.
 */
@ApplicationScoped
public class Background {
  private static final Logger LOG = Logger.getLogger(Background.class);
  private static final long DRAIN_MILLIS = 10_000;

  private final Consumers consumers;
  private final DeliveryScheduler scheduler;
  private final Housekeeping housekeeping;
  private final InFlight inFlight;
  private final AttemptWriter writer;
  private final StatusPublisher heartbeat;
  private final long heartbeatMillis;

  public Background(
      Vertx vertx,
      WebhooksConfig config,
      Consumers consumers,
      DeliveryScheduler scheduler,
      Housekeeping housekeeping,
      InFlight inFlight,
      AttemptWriter writer,
      RedisStreams streams,
      WorkStatus status) {
    this.consumers = consumers;
    this.scheduler = scheduler;
    this.housekeeping = housekeeping;
    this.inFlight = inFlight;
    this.writer = writer;
    this.heartbeatMillis = config.delivery().heartbeatInterval().toMillis();
    this.heartbeat =
        new StatusPublisher(
            vertx,
            streams,
            Streams.WEBHOOK_SERVICE,
            config.instanceId(),
            this::workersAlive,
            status::ownCounts,
            () -> Uni.createFrom().item(0L)); // no outbox: its events come from the others
  }

  void onStart(@Observes StartupEvent event) {
    consumers.start();
    scheduler.start();
    housekeeping.start();
    heartbeat.start(heartbeatMillis);
  }

  void onStop(@Observes ShutdownEvent event) {
    heartbeat.stop();
    consumers.stop();
    scheduler.stop();
    housekeeping.stop();
    if (!Context.isOnEventLoopThread()) {
      awaitAttemptsLogged();
    }
  }

  /** Whether every consumer loop and the scheduler are alive. */
  public boolean workersAlive() {
    return consumers.alive() && scheduler.isHealthy();
  }

  private void awaitAttemptsLogged() {
    long deadline = Monotonic.millis() + DRAIN_MILLIS;
    try {
      while ((inFlight.total() > 0 || writer.waiting() > 0) && Monotonic.millis() < deadline) {
        Thread.sleep(50); // the shutdown thread, never an event loop
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inFlight.total() > 0) {
      LOG.warnf(
          "%d attempts still running at shutdown; their leases will expire", inFlight.total());
    }
  }
}
