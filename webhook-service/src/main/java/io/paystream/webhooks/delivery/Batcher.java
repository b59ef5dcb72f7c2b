package io.paystream.webhooks.delivery;

import io.paystream.shared.stream.Failures;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Group commit for one kind of statement: an item submitted while {@code maxConcurrent} batches are
 * being written waits and goes out with the others in the next one. Alone, an item is written at
 * once (no added latency); under load, one statement carries up to {@code maxBatch} items.
 *
 * <p>A batch that fails for anything but an infrastructure failure is written again item by item,
 * so that one bad item fails alone.
 */
public final class Batcher<T> {
  private record Pending<T>(T item, UniEmitter<? super Void> done) {}

  private final int maxBatch;
  private final int maxConcurrent;
  private final Function<List<T>, Uni<Void>> write;
  private final Queue<Pending<T>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger outstanding = new AtomicInteger();

  public Batcher(int maxBatch, int maxConcurrent, Function<List<T>, Uni<Void>> write) {
    this.maxBatch = maxBatch;
    this.maxConcurrent = maxConcurrent;
    this.write = write;
  }

  /** Completes once a statement carrying {@code item} has been written. */
  public Uni<Void> submit(T item) {
    return Uni.createFrom()
        .emitter(
            done -> {
              outstanding.incrementAndGet();
              queue.add(new Pending<>(item, done));
              drain();
            });
  }

  /** Items submitted and not yet written (or failed). */
  public int waiting() {
    return outstanding.get();
  }

  private void drain() {
    while (!queue.isEmpty()) {
      int r = running.get();
      if (r >= maxConcurrent) {
        return; // a running batch drains again when it ends
      }
      if (!running.compareAndSet(r, r + 1)) {
        continue;
      }
      List<Pending<T>> batch = new ArrayList<>(Math.min(maxBatch, 64));
      for (Pending<T> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
        batch.add(p);
      }
      if (batch.isEmpty()) {
        running.decrementAndGet();
        continue;
      }
      run(
          batch,
          () -> {
            running.decrementAndGet();
            drain();
          });
    }
  }

  private void run(List<Pending<T>> batch, Runnable then) {
    List<T> items = new ArrayList<>(batch.size());
    batch.forEach(p -> items.add(p.item()));
    Uni<Void> statement;
    try {
      statement = write.apply(items);
    } catch (RuntimeException e) {
      statement = Uni.createFrom().failure(e);
    }
    statement
        .subscribe()
        .with(
            ok -> {
              outstanding.addAndGet(-batch.size());
              batch.forEach(p -> p.done().complete(null));
              then.run();
            },
            err -> {
              if (batch.size() > 1 && !Failures.isTransient(err)) {
                alone(batch, 0, then);
              } else {
                outstanding.addAndGet(-batch.size());
                batch.forEach(p -> p.done().fail(err));
                then.run();
              }
            });
  }

  /** Writes the items of a failed batch one at a time, in order, each with its own outcome. */
  private void alone(List<Pending<T>> batch, int i, Runnable then) {
    if (i == batch.size()) {
      then.run();
      return;
    }
    run(List.of(batch.get(i)), () -> alone(batch, i + 1, then));
  }
}
