package io.paystream.shared.time;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A service's periodic upkeep on Vert.x timers. Each chore runs at most once at a time: a tick that
 * comes while the previous run is still going (a purge working through a backlog, a statement
 * waiting for a database that is down) is skipped rather than stacked. A failed run is logged at
 * debug level and the chore runs again at its next tick. A run that has not ended after ten of its
 * periods, and at least a minute (a statement on a connection whose server vanished without a word
 * never returns), is given up, with a warning, so that the chore runs again.
 */
public final class Chores {
  private static final Logger LOG = Logger.getLogger(Chores.class);

  private final Vertx vertx;
  private final long minStallMillis;
  private final List<Long> timers = new ArrayList<>();

  public Chores(Vertx vertx) {
    this(vertx, 60_000);
  }

  /** With runs given up after ten periods and at least {@code minStallMillis}. */
  Chores(Vertx vertx, long minStallMillis) {
    this.vertx = vertx;
    this.minStallMillis = minStallMillis;
  }

  /** Runs {@code task} every {@code millis}, first after {@code millis}. */
  public synchronized void every(long millis, String what, Supplier<? extends Uni<?>> task) {
    Duration stall = Duration.ofMillis(Math.max(minStallMillis, 10 * millis));
    AtomicBoolean running = new AtomicBoolean();
    timers.add(
        vertx.setPeriodic(
            millis,
            id -> {
              if (!running.compareAndSet(false, true)) {
                return;
              }
              Uni<?> run;
              try {
                run = task.get();
              } catch (RuntimeException e) {
                running.set(false);
                LOG.debugf("%s failed: %s", what, e.getMessage());
                return;
              }
              run.ifNoItem()
                  .after(stall)
                  .failWith(
                      () -> {
                        LOG.warnf("%s has not ended after %s; given up", what, stall);
                        return new TimeoutException(what + " given up");
                      })
                  .subscribe()
                  .with(
                      done -> running.set(false),
                      e -> {
                        running.set(false);
                        LOG.debugf("%s failed: %s", what, e.getMessage());
                      });
            }));
  }

  /** Cancels every chore; a run in progress ends by itself. */
  public synchronized void cancel() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }
}
