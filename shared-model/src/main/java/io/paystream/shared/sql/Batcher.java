package io.paystream.shared.sql;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit for background writes: items submitted while a flush is running are written together
 * by the next one, so that a burst of N writes costs a few statements and commits instead of N, and
 * holds at most {@code maxConcurrent} pooled connections instead of N.
 *
 * <p>Nothing waits for a batch to fill: an item submitted while fewer than {@code maxConcurrent}
 * flushes run is flushed at once. Under load, batches grow by themselves to what arrived during the
 * previous flush (up to {@code maxBatch}).
 *
 * <p>The flush function gets the items in submission order and emits one result per item, in the
 * same order. When it fails, every item of that batch fails with the same error. Thread-safe; a
 * submitted item's result is emitted on the thread that completed its flush.
 *
 * @param <T> what is written
 * @param <R> the result of one item
 */
public final class Batcher<T, R> {
  private final int maxBatch;
  private final int maxConcurrent;
  private final Function<List<T>, Uni<List<R>>> flush;
  private final ArrayDeque<Pending<T, R>> queue = new ArrayDeque<>();
  private int running;

  private record Pending<T, R>(T item, UniEmitter<? super R> emitter) {}

  public Batcher(int maxBatch, int maxConcurrent, Function<List<T>, Uni<List<R>>> flush) {
    if (maxBatch < 1 || maxConcurrent < 1) {
      throw new IllegalArgumentException("maxBatch and maxConcurrent must be at least 1");
    }
    this.maxBatch = maxBatch;
    this.maxConcurrent = maxConcurrent;
    this.flush = flush;
  }

  /** Writes the item with the next batch; emits its result once that batch is written. */
  public Uni<R> submit(T item) {
    return Uni.createFrom()
        .emitter(
            emitter -> {
              synchronized (this) {
                queue.add(new Pending<>(item, emitter));
              }
              drain();
            });
  }

  /** Items waiting for a flush (not counting those being written). */
  public synchronized int waiting() {
    return queue.size();
  }

  private void drain() {
    List<Pending<T, R>> batch;
    synchronized (this) {
      if (running >= maxConcurrent || queue.isEmpty()) {
        return;
      }
      running++;
      batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        batch.add(queue.poll());
      }
    }
    List<T> items = new ArrayList<>(batch.size());
    for (Pending<T, R> p : batch) {
      items.add(p.item());
    }
    Uni<List<R>> written;
    try {
      written = flush.apply(items);
    } catch (RuntimeException e) {
      written = Uni.createFrom().failure(e);
    }
    written
        .subscribe()
        .with(
            results -> {
              finished();
              if (results.size() != batch.size()) {
                IllegalStateException e =
                    new IllegalStateException(
                        "flush emitted " + results.size() + " results for " + batch.size());
                batch.forEach(p -> p.emitter().fail(e));
                return;
              }
              for (int i = 0; i < batch.size(); i++) {
                batch.get(i).emitter().complete(results.get(i));
              }
            },
            failure -> {
              finished();
              batch.forEach(p -> p.emitter().fail(failure));
            });
  }

  private void finished() {
    synchronized (this) {
      running--;
    }
    drain();
  }
}
