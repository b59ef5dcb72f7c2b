package io.paystream.shared.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchesTest {
  /** Batches that take the given numbers of rows in turn, counting half of each (rounded down). */
  private static final class Backlog {
    final Deque<Integer> sizes;
    int calls;

    Backlog(Integer... sizes) {
      this.sizes = new ArrayDeque<>(List.of(sizes));
    }

    Uni<Batches.Outcome> next() {
      calls++;
      int taken = sizes.isEmpty() ? 0 : sizes.poll();
      return Uni.createFrom().item(new Batches.Outcome(taken, taken / 2));
    }
  }

  @Test
  void goesOnWhileBatchesComeFullAndStopsAfterTheFirstShortOne() {
    Backlog backlog = new Backlog(10, 10, 3, 10);
    long counted = Batches.whileFull(backlog::next, 10, 50).await().indefinitely();
    assertEquals(3, backlog.calls);
    assertEquals(5 + 5 + 1, counted);
  }

  @Test
  void anEmptyFirstBatchIsTheOnlyOne() {
    Backlog backlog = new Backlog(0, 10);
    assertEquals(0L, Batches.whileFull(backlog::next, 10, 50).await().indefinitely());
    assertEquals(1, backlog.calls);
  }

  @Test
  void stopsAtTheMostBatchesEvenWhenTheyAllComeFull() {
    Backlog backlog = new Backlog(4, 4, 4, 4, 4);
    long counted = Batches.whileFull(backlog::next, 4, 3).await().indefinitely();
    assertEquals(3, backlog.calls);
    assertEquals(6, counted);
  }

  @Test
  void aFailedBatchFailsTheWholeRunAndNoFurtherBatchRuns() {
    int[] calls = {0};
    Uni<Long> run =
        Batches.whileFull(
            () ->
                ++calls[0] == 1
                    ? Uni.createFrom().item(Batches.Outcome.all(5))
                    : Uni.createFrom().failure(new IllegalStateException("gone")),
            5,
            50);
    assertThrows(IllegalStateException.class, () -> run.await().indefinitely());
    assertEquals(2, calls[0]);
  }

  @Test
  void purgeDeletesUntilAStatementDeletesFewerThanItsBatch() {
    Deque<Integer> deleted = new ArrayDeque<>(List.of(100, 100, 100, 42, 100));
    long total =
        Purge.untilDone(() -> Uni.createFrom().item(deleted.poll()), 100).await().indefinitely();
    assertEquals(342, total);
    assertEquals(List.of(100), List.copyOf(deleted));
  }

  @Test
  void aPurgeOfAVeryLongBacklogStopsAfterItsLastAllowedStatementAndEndsNormally() {
    // Statements that answer later, as the database does: each nests a step of the result.
    Vertx vertx = Vertx.vertx();
    try {
      AtomicInteger statements = new AtomicInteger();
      long total =
          Purge.untilDone(
                  () -> {
                    statements.incrementAndGet();
                    return Uni.createFrom().emitter(e -> vertx.runOnContext(() -> e.complete(10)));
                  },
                  10)
              .await()
              .atMost(Duration.ofSeconds(60));
      assertEquals(Purge.MAX_BATCHES, statements.get());
      assertEquals(10L * Purge.MAX_BATCHES, total);
    } finally {
      vertx.closeAndAwait();
    }
  }

  @Test
  void eachRunsTheWorkOnEveryRowAtMostSoManyAtOnceAndCountsWhatItDid() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Integer> rows = IntStream.range(0, 20).boxed().toList();
    Batches.Outcome outcome =
        Batches.each(
                rows,
                i -> {
                  most.accumulateAndGet(running.incrementAndGet(), Math::max);
                  return Uni.createFrom()
                      .item(i % 3 == 0)
                      .onItem()
                      .delayIt()
                      .by(Duration.ofMillis(5))
                      .invoke(running::decrementAndGet);
                },
                4)
            .await()
            .atMost(Duration.ofSeconds(10));
    assertEquals(new Batches.Outcome(20, 7), outcome);
    assertEquals(4, most.get());
  }

  @Test
  void refusesBatchesThatCouldNeverRun() {
    Backlog backlog = new Backlog();
    assertThrows(IllegalArgumentException.class, () -> Batches.whileFull(backlog::next, 0, 5));
    assertThrows(IllegalArgumentException.class, () -> Batches.whileFull(backlog::next, 5, 0));
  }
}
