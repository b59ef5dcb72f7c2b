package io.paystream.shared.sql;

import io.paystream.shared.stream.Failures;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Group commit for one kind of statement: items submitted while {@code maxConcurrent} batches are
 * being written wait and go out together in the next one. Alone, an item is written at once (no
 * added latency); under load, one statement carries up to {@code maxBatch} items, so that a burst
 * of N writes costs a few statements and commits instead of N, and holds at most {@code
 * maxConcurrent} pooled connections.
 *
 * <p>The flush function gets the items in submission order and emits one result per item, in the
 * same order. A batch that fails for anything but an infrastructure failure ({@link
 * Failures#isTransient}) is written again item by item, so that one bad item fails alone; so is a
 * batch that lost a deadlock or serialization conflict with a concurrent one ({@link
 * Failures#isConflict}). Any other transient failure fails every item of the batch. Thread-safe; a
 * result is emitted on the thread that completed its statement.
 *
 * <p>Items that a batch's results send on to another batcher (a claimed key to the statement that
 * uses it, say) go on together: while a batch's results are being emitted, submissions made on that
 * thread are queued, and their batchers drained once every result is out. Otherwise the first
 * result's follow-up would start a statement alone, and the rest would wait for it.
 *
 * @param <T> what is written
 * @param <R> the result of one item
 */
public final class Batcher<T, R> {
  private record Pending<T, R>(T item, UniEmitter<? super R> done) {}

  /** The batchers submitted to while this thread emits a batch's results, to drain after. */
  private static final ThreadLocal<List<Batcher<?, ?>>> EMITTING = new ThreadLocal<>();

  private final int maxBatch;
  private final int maxConcurrent;
  private final Function<List<T>, Uni<List<R>>> flush;
  private final ConcurrentLinkedDeque<Pending<T, R>> queue = new ConcurrentLinkedDeque<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger outstanding = new AtomicInteger();

  public Batcher(int maxBatch, int maxConcurrent, Function<List<T>, Uni<List<R>>> flush) {
    if (maxBatch < 1 || maxConcurrent < 1) {
      throw new IllegalArgumentException("maxBatch and maxConcurrent must be at least 1");
    }
    this.maxBatch = maxBatch;
    this.maxConcurrent = maxConcurrent;
    this.flush = flush;
  }

  /** A batcher of writes that have no result of their own: each item completes once written. */
  public static <T> Batcher<T, Void> writes(
      int maxBatch, int maxConcurrent, Function<List<T>, Uni<Void>> write) {
    return new Batcher<>(
        maxBatch,
        maxConcurrent,
        items -> write.apply(items).map(ok -> Collections.<Void>nCopies(items.size(), null)));
  }

  /** Emits the item's result once a statement carrying it has been written. */
  public Uni<R> submit(T item) {
    return submit(item, false);
  }

  /**
   * As {@link #submit}, ahead of the items waiting: for an item a statement left out, which was
   * waiting before them (taken last again, it could be passed over for as long as items keep
   * coming).
   */
  public Uni<R> submitFirst(T item) {
    return submit(item, true);
  }

  private Uni<R> submit(T item, boolean first) {
    return Uni.createFrom()
        .emitter(
            done -> {
              outstanding.incrementAndGet();
              if (first) {
                queue.addFirst(new Pending<>(item, done));
              } else {
                queue.add(new Pending<>(item, done));
              }
              List<Batcher<?, ?>> emitting = EMITTING.get();
              if (emitting == null) {
                drain();
              } else if (!emitting.contains(this)) {
                emitting.add(this);
              }
            });
  }

  /** Items submitted and not yet answered (written or failed). */
  public int waiting() {
    return outstanding.get();
  }

  /** Items waiting for a statement to start (not counting those being written). */
  public int queued() {
    return queue.size();
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
      List<Pending<T, R>> batch = new ArrayList<>(Math.min(maxBatch, 64));
      for (Pending<T, R> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
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

  private void run(List<Pending<T, R>> batch, Runnable then) {
    List<T> items = new ArrayList<>(batch.size());
    batch.forEach(p -> items.add(p.item()));
    Uni<List<R>> statement;
    try {
      statement = flush.apply(items);
    } catch (RuntimeException e) {
      statement = Uni.createFrom().failure(e);
    }
    statement
        .map(
            results -> {
              if (results.size() != batch.size()) {
                throw new IllegalStateException(
                    "flush emitted " + results.size() + " results for " + batch.size());
              }
              return results;
            })
        .subscribe()
        .with(
            results -> {
              outstanding.addAndGet(-batch.size());
              try {
                emitTogether(
                    () -> {
                      for (int i = 0; i < batch.size(); i++) {
                        R result = results.get(i);
                        Pending<T, R> p = batch.get(i);
                        answer(() -> p.done().complete(result));
                      }
                    });
              } finally {
                then.run();
              }
            },
            err -> {
              if (batch.size() > 1 && (!Failures.isTransient(err) || Failures.isConflict(err))) {
                alone(batch, 0, then);
              } else {
                outstanding.addAndGet(-batch.size());
                try {
                  emitTogether(() -> batch.forEach(p -> answer(() -> p.done().fail(err))));
                } finally {
                  then.run();
                }
              }
            });
  }

  /**
   * Runs {@code emit}, holding back the drains of the batchers it submits to (this one included)
   * until it returns. Nested emissions on one thread drain at the end of the outermost.
   */
  private static void emitTogether(Runnable emit) {
    if (EMITTING.get() != null) {
      emit.run();
      return;
    }
    List<Batcher<?, ?>> submitted = new ArrayList<>(2);
    EMITTING.set(submitted);
    try {
      emit.run();
    } finally {
      EMITTING.remove();
      // A flush that completes at once emits in a scope of its own.
      submitted.forEach(Batcher::drain);
    }
  }

  /**
   * Answers one item. A callback that throws on its answer is reported and does not keep the other
   * items of the batch, or the batches after it, from theirs.
   */
  private static void answer(Runnable answer) {
    try {
      answer.run();
    } catch (RuntimeException e) {
      Infrastructure.handleDroppedException(e);
    }
  }

  /** Writes the items of a failed batch one at a time, in order, each with its own outcome. */
  private void alone(List<Pending<T, R>> batch, int i, Runnable then) {
    if (i == batch.size()) {
      then.run();
      return;
    }
    run(List.of(batch.get(i)), () -> alone(batch, i + 1, then));
  }
}
