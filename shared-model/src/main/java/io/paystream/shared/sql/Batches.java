package io.paystream.shared.sql;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Work on a backlog in bounded batches, one after another while they come full: a full batch means
 * more may be waiting, a short one that the backlog is done.
 *
 * <pre>{@code
 * Batches.whileFull(
 *     () -> repository.overdue(200).chain(rows -> Batches.each(rows, this::finish, 4)),
 *     200, 50);
 * }</pre>
 */
public final class Batches {
  private Batches() {}

  /**
   * What one batch did: {@code taken} rows read or deleted (a batch of the full size may leave more
   * behind it) and {@code counted}, what the caller adds up (rows finished, rows deleted).
   */
  public record Outcome(int taken, long counted) {
    /** A batch that counts every row it took (a delete). */
    public static Outcome all(int taken) {
      return new Outcome(taken, taken);
    }
  }

  /**
   * Runs {@code work} on every row, {@code atOnce} rows at a time; the batch's outcome: the rows it
   * took, and how many of them {@code work} said it did (emitted true for).
   */
  public static <T> Uni<Outcome> each(List<T> rows, Function<T, Uni<Boolean>> work, int atOnce) {
    return Multi.createFrom()
        .iterable(rows)
        .onItem()
        .transformToUni(row -> work.apply(row))
        .merge(atOnce)
        .collect()
        .with(Collectors.filtering(Boolean::booleanValue, Collectors.counting()))
        .map(done -> new Outcome(rows.size(), done));
  }

  /**
   * Runs {@code batch} again while it takes {@code batchSize} rows, {@code maxBatches} times at
   * most; emits the sum of what the batches counted.
   */
  public static Uni<Long> whileFull(Supplier<Uni<Outcome>> batch, int batchSize, int maxBatches) {
    if (batchSize < 1 || maxBatches < 1) {
      throw new IllegalArgumentException("batchSize and maxBatches must be at least 1");
    }
    return from(batch, batchSize, maxBatches, 0);
  }

  private static Uni<Long> from(
      Supplier<Uni<Outcome>> batch, int batchSize, int batchesLeft, long sofar) {
    return batch
        .get()
        .chain(
            outcome -> {
              long counted = sofar + outcome.counted();
              return outcome.taken() < batchSize || batchesLeft <= 1
                  ? Uni.createFrom().item(counted)
                  : from(batch, batchSize, batchesLeft - 1, counted);
            });
  }
}
