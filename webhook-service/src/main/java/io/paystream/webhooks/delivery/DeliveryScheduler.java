package io.paystream.webhooks.delivery;

import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.time.Monotonic;
import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.repository.DeliveryRepository;
import io.paystream.webhooks.repository.DeliveryRepository.Claimed;
import io.paystream.webhooks.repository.DeliveryRepository.Lease;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The queue of due deliveries, which is the {@code deliveries} table itself.
 *
 * <p>Layout: a delivery is due when {@code status = 'pending' AND run_at <= now}. Claiming sets
 * {@code run_at} to the end of a lease and stamps a lease token, in one statement with {@code FOR
 * UPDATE SKIP LOCKED}, so each attempt is made by one instance; the attempt's outcome is applied
 * only under that token. If the instance dies, {@code run_at} passes and any instance claims the
 * delivery again. The partial index {@code deliveries_due (run_at) WHERE status = 'pending' AND NOT
 * parked} serves both the claim and "when is the next one due".
 *
 * <p>Parking: a due delivery whose endpoint has no room on the instance that meets it (its attempts
 * at their share) leaves that queue for its endpoint's own ({@code parked}, index {@code
 * deliveries_parked}), and any instance with room for the endpoint takes it from there, oldest
 * first. So the backlog of one slow or dead endpoint, however long, is never read by a claim that
 * looks for other endpoints' work: each claim reads at most one batch of each queue.
 *
 * <p>Timing: one Vert.x timer is set for the earliest due time this instance knows of, from the
 * retries it wrote itself and from asking the table after each claim round; a round also runs when
 * woken (new deliveries, a freed slot) and every {@code poll-interval}, which is how other
 * instances' retries are noticed. A claim round claims until nothing more is due or there is no
 * room, so each attempt starts within milliseconds of its due time.
 */
@ApplicationScoped
public class DeliveryScheduler {
  private static final Logger LOG = Logger.getLogger(DeliveryScheduler.class);

  /** Due times are gathered into slots this long; well inside the 1 s the schedule allows. */
  static final long SLOT_MILLIS = 100;

  private final DatabaseClock clock;
  private final Vertx vertx;
  private final DeliveryRepository deliveries;
  private final InFlight inFlight;
  private final Dispatcher dispatcher;
  private final LeaseLock leaseLock;
  private final WebhooksConfig.Delivery config;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final Object timerLock = new Object();
  private long timerId = -1;
  private long timerAt = Long.MAX_VALUE;
  private volatile long pollTimer = -1;

  /** When a claim statement or a round last succeeded. */
  private volatile long lastProgressAt = Monotonic.millis();

  private volatile long lastStepAt = Monotonic.millis();
  private volatile int failuresInRow;

  public DeliveryScheduler(
      Vertx vertx,
      DeliveryRepository deliveries,
      InFlight inFlight,
      Dispatcher dispatcher,
      LeaseLock leaseLock,
      DatabaseClock clock,
      WebhooksConfig config) {
    this.clock = clock;
    this.vertx = vertx;
    this.deliveries = deliveries;
    this.inFlight = inFlight;
    this.dispatcher = dispatcher;
    this.leaseLock = leaseLock;
    this.config = config.delivery();
  }

  public void start() {
    if (running.compareAndSet(false, true)) {
      lastProgressAt = Monotonic.millis();
      pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> wake());
      wake();
    }
  }

  public void stop() {
    running.set(false);
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    synchronized (timerLock) {
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
    }
  }

  public boolean isRunning() {
    return running.get();
  }

  /**
   * How long the scheduler has gone without a step while a claim round was under way (0 when idle):
   * the round beginning or ending, or one of its claim statements returning. A round that makes no
   * step for minutes has wedged: a statement that never returns, here or in the deliveries'
   * creation that shares its lock. A long round (a large backlog being parked, statement after
   * statement) keeps stepping.
   */
  public long millisSinceLastStep() {
    return busy.get() ? Monotonic.millis() - lastStepAt : 0;
  }

  /** Whether claim rounds, or the claim statements of a long one, have been succeeding. */
  public boolean isHealthy() {
    return running.get()
        && failuresInRow < 5
        && Monotonic.millis() - lastProgressAt < 3 * config.pollInterval().toMillis() + 5_000;
  }

  /** Claims what is due now. Never blocks; rounds never overlap. */
  public void wake() {
    if (!running.get()) {
      return;
    }
    again.set(true);
    if (busy.compareAndSet(false, true)) {
      round();
    }
  }

  /**
   * Makes sure a round runs at {@code at}, or up to {@link #SLOT_MILLIS} after it: due times are
   * gathered into slots so that a stream of retries costs at most one claim round per slot. A due
   * time already past (a retry due as soon as its timed-out attempt ended) goes to the next slot.
   */
  public void wakeAt(Instant at) {
    long when = slotAtOrAfter(Math.max(at.toEpochMilli(), clock.millis() + 1));
    synchronized (timerLock) {
      if (!running.get() || when >= timerAt) {
        return;
      }
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
      timerAt = when;
      long delay = Math.max(1, when - clock.millis());
      timerId = vertx.setTimer(delay, id -> fired(id));
    }
  }

  private static long slotAtOrAfter(long millis) {
    return (millis + SLOT_MILLIS - 1) / SLOT_MILLIS * SLOT_MILLIS;
  }

  private void fired(long id) {
    synchronized (timerLock) {
      if (id == timerId) {
        timerId = -1;
        timerAt = Long.MAX_VALUE;
      }
    }
    wake();
  }

  private void round() {
    lastStepAt = Monotonic.millis();
    again.set(false);
    claimUntilDry()
        .subscribe()
        .with(
            ok -> {
              failuresInRow = 0;
              lastProgressAt = Monotonic.millis();
              lastStepAt = lastProgressAt;
              idle();
            },
            err -> {
              lastStepAt = Monotonic.millis();
              int n = ++failuresInRow;
              if (n == 1 || n % 30 == 0) {
                LOG.warnf("claiming due deliveries failed (%d in a row): %s", n, err.getMessage());
              }
              vertx.setTimer(Math.min(2_000L, 50L << Math.min(n, 5)), id -> idleThenWake());
            });
  }

  /** Claims batches while they come back non-empty, then sets the timer for the next due one. */
  private Uni<Void> claimUntilDry() {
    Instant[] now = new Instant[1];
    return leaseLock
        .run(
            () -> {
              int free = inFlight.free();
              if (free <= 0) {
                return Uni.createFrom().item(-1L); // woken again when an attempt ends
              }
              return clock
                  .readOnce()
                  .chain(
                      () -> {
                        now[0] = clock.now();
                        Lease lease =
                            new Lease(UUID.randomUUID(), now[0], now[0].plus(config.lease()));
                        int limit = Math.min(free, config.claimBatch());
                        return deliveries.claim(limit, inFlight.room(), lease, UUID.randomUUID());
                      })
                  .map(
                      (Claimed claimed) -> {
                        dispatcher.dispatch(claimed.leased());
                        return claimed.leased().size() + claimed.parked();
                      });
            })
        .chain(
            moved -> {
              if (moved < 0) {
                return Uni.createFrom().voidItem();
              }
              lastProgressAt = Monotonic.millis();
              lastStepAt = lastProgressAt;
              if (moved > 0) {
                return running.get() ? claimUntilDry() : Uni.createFrom().voidItem();
              }
              return deliveries
                  .nextRunAfter(now[0])
                  .invoke(next -> wakeAt(next == null ? now[0].plus(Duration.ofHours(1)) : next))
                  .replaceWithVoid();
            });
  }

  private void idle() {
    busy.set(false);
    if (again.get() && busy.compareAndSet(false, true)) {
      round();
    }
  }

  private void idleThenWake() {
    busy.set(false);
    wake();
  }
}
