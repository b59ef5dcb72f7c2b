package io.paystream.webhooks.delivery;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Lets one statement that leases deliveries to this instance run at a time (a claim, or creating
 * deliveries from events), without blocking a thread: the next waits in a queue. Each reads the
 * room left and dispatches what it leased before the next starts, so together they never take more
 * than an endpoint's share.
 */
@ApplicationScoped
public class LeaseLock {
  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean held = new AtomicBoolean();

  /** Runs {@code work} once the lock is free; the lock is held until its Uni completes. */
  public <T> Uni<T> run(Supplier<Uni<T>> work) {
    return Uni.createFrom()
        .emitter(
            done -> {
              waiting.add(
                  () -> {
                    Uni<T> u;
                    try {
                      u = work.get();
                    } catch (RuntimeException e) {
                      u = Uni.createFrom().failure(e);
                    }
                    u.subscribe()
                        .with(
                            item -> {
                              release();
                              done.complete(item);
                            },
                            err -> {
                              release();
                              done.fail(err);
                            });
                  });
              next();
            });
  }

  private void release() {
    held.set(false);
    next();
  }

  private void next() {
    while (!waiting.isEmpty() && held.compareAndSet(false, true)) {
      Runnable r = waiting.poll();
      if (r != null) {
        r.run();
        return;
      }
      held.set(false);
    }
  }
}
