package io.paystream.shared.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatcherTest {
  /** A flush whose batches are recorded and completed by the test. */
  private static final class Flushes {
    final List<List<Integer>> batches = new ArrayList<>();
    final List<UniEmitter<? super List<String>>> open = new ArrayList<>();

    synchronized Uni<List<String>> flush(List<Integer> items) {
      batches.add(List.copyOf(items));
      return Uni.createFrom()
          .emitter(
              e -> {
                synchronized (this) {
                  open.add(e);
                }
              });
    }

    /** Completes the oldest open flush with "r" + item for each item. */
    void completeOldest() {
      UniEmitter<? super List<String>> e;
      List<Integer> items;
      synchronized (this) {
        int i = batches.size() - open.size();
        e = open.remove(0);
        items = batches.get(i);
      }
      e.complete(items.stream().map(n -> "r" + n).toList());
    }
  }

  private static List<CompletableFuture<String>> submit(
      Batcher<Integer, String> b, int from, int n) {
    List<CompletableFuture<String>> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(b.submit(i).subscribeAsCompletionStage());
    }
    return out;
  }

  /** Submits the items, each subscribed at once; their outcomes stay readable. */
  private static List<Uni<Void>> started(Batcher<Integer, Void> b, int... items) {
    List<Uni<Void>> out = new ArrayList<>();
    for (int i : items) {
      Uni<Void> u = b.submit(i).memoize().indefinitely();
      u.subscribe().with(ok -> {}, err -> {});
      out.add(u);
    }
    return out;
  }

  @Test
  void itemsArrivingDuringAFlushAreWrittenTogetherByTheNext() throws Exception {
    Flushes flushes = new Flushes();
    Batcher<Integer, String> batcher = new Batcher<>(100, 1, flushes::flush);

    List<CompletableFuture<String>> first = submit(batcher, 0, 1);
    List<CompletableFuture<String>> rest = submit(batcher, 1, 5);
    assertEquals(List.of(List.of(0)), flushes.batches, "the first item is flushed at once");
    assertEquals(5, batcher.queued());
    assertEquals(6, batcher.waiting(), "submitted and not yet answered");

    flushes.completeOldest();
    assertEquals("r0", first.get(0).get(1, TimeUnit.SECONDS));
    assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4, 5)), flushes.batches);

    flushes.completeOldest();
    for (int i = 0; i < 5; i++) {
      assertEquals("r" + (i + 1), rest.get(i).get(1, TimeUnit.SECONDS), "results stay in order");
    }
    assertEquals(0, batcher.waiting());
  }

  @Test
  void anItemSubmittedFirstGoesAheadOfThoseWaiting() throws Exception {
    Flushes flushes = new Flushes();
    Batcher<Integer, String> batcher = new Batcher<>(2, 1, flushes::flush);
    submit(batcher, 0, 1);
    submit(batcher, 1, 3); // waiting: 1, 2, 3
    CompletableFuture<String> again = batcher.submitFirst(9).subscribeAsCompletionStage();
    flushes.completeOldest();
    assertEquals(List.of(List.of(0), List.of(9, 1)), flushes.batches);
    flushes.completeOldest();
    assertEquals("r9", again.get(1, TimeUnit.SECONDS));
    assertEquals(List.of(List.of(0), List.of(9, 1), List.of(2, 3)), flushes.batches);
  }

  @Test
  void itemsOneBatchReleasesIntoAnotherBatcherGoOnTogether() throws Exception {
    Flushes claims = new Flushes();
    Flushes writes = new Flushes();
    Batcher<Integer, String> first = new Batcher<>(100, 1, claims::flush);
    Batcher<Integer, String> second = new Batcher<>(100, 1, writes::flush);
    // Each item, once through the first batcher, is submitted to the second (a claimed key to the
    // statement that uses it).
    List<CompletableFuture<String>> done = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int item = i;
      done.add(
          first.submit(item).chain(claimed -> second.submit(item)).subscribeAsCompletionStage());
    }
    claims.completeOldest(); // item 0 alone
    writes.completeOldest();
    claims.completeOldest(); // items 1-4 together, while the second batcher is idle
    assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4)), claims.batches);
    assertEquals(
        List.of(List.of(0), List.of(1, 2, 3, 4)),
        writes.batches,
        "the four released together are written together, not the first alone");
    writes.completeOldest();
    for (int i = 0; i < 5; i++) {
      assertEquals("r" + i, done.get(i).get(1, TimeUnit.SECONDS));
    }
    assertEquals(0, first.waiting() + second.waiting());
  }

  @Test
  void aCallbackThatThrowsOnItsAnswerHoldsUpNoOtherItem() throws Exception {
    Flushes flushes = new Flushes();
    Batcher<Integer, String> batcher = new Batcher<>(100, 1, flushes::flush);
    submit(batcher, 0, 1);
    batcher
        .submit(1)
        .subscribe()
        .withSubscriber(
            new UniSubscriber<String>() {
              @Override
              public void onSubscribe(UniSubscription subscription) {}

              @Override
              public void onItem(String item) {
                throw new IllegalStateException("a broken callback");
              }

              @Override
              public void onFailure(Throwable failure) {}
            });
    List<CompletableFuture<String>> second = submit(batcher, 2, 1);
    flushes.completeOldest(); // [0]
    flushes.completeOldest(); // [1, 2]: the callback of 1 throws
    assertEquals("r2", second.get(0).get(1, TimeUnit.SECONDS));
    List<CompletableFuture<String>> third = submit(batcher, 3, 1);
    assertEquals(List.of(3), flushes.batches.get(2), "the batcher still writes");
    flushes.completeOldest();
    assertEquals("r3", third.get(0).get(1, TimeUnit.SECONDS));
  }

  @Test
  void neverMoreFlushesAtOnceNorLargerBatchesThanAllowed() throws Exception {
    Flushes flushes = new Flushes();
    Batcher<Integer, String> batcher = new Batcher<>(3, 2, flushes::flush);

    List<CompletableFuture<String>> all = submit(batcher, 0, 10);
    assertEquals(List.of(List.of(0), List.of(1)), flushes.batches, "two flushes at most");

    flushes.completeOldest();
    assertEquals(List.of(2, 3, 4), flushes.batches.get(2), "a batch holds at most three");
    while (!flushes.open.isEmpty()) {
      flushes.completeOldest();
    }
    for (int i = 0; i < 10; i++) {
      assertEquals("r" + i, all.get(i).get(1, TimeUnit.SECONDS));
    }
    assertTrue(flushes.batches.stream().allMatch(b -> b.size() <= 3));
    assertEquals(10, flushes.batches.stream().mapToInt(List::size).sum(), "each item once");
  }

  @Test
  void aFailedFlushFailsEachItemOfItsBatchAndTheNextBatchStillRuns() throws Exception {
    IllegalStateException boom = new IllegalStateException("database down");
    List<List<Integer>> seen = new ArrayList<>();
    Batcher<Integer, String> batcher =
        new Batcher<>(
            10,
            1,
            items -> {
              seen.add(List.copyOf(items));
              return items.contains(0)
                  ? Uni.createFrom().failure(boom)
                  : Uni.createFrom().item(items.stream().map(n -> "r" + n).toList());
            });

    CompletableFuture<String> failing = batcher.submit(0).subscribeAsCompletionStage();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> failing.get(1, TimeUnit.SECONDS));
    assertSame(boom, e.getCause());
    assertEquals("r7", batcher.submit(7).subscribeAsCompletionStage().get(1, TimeUnit.SECONDS));
    assertEquals(List.of(List.of(0), List.of(7)), seen);
  }

  @Test
  void aFlushThatThrowsOrMiscountsFailsItsItemsInsteadOfLosingThem() {
    Batcher<Integer, String> throwing =
        new Batcher<>(
            10,
            1,
            items -> {
              throw new IllegalArgumentException("bad batch");
            });
    ExecutionException thrown =
        assertThrows(
            ExecutionException.class,
            () -> throwing.submit(1).subscribeAsCompletionStage().get(1, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, thrown.getCause());

    Batcher<Integer, String> miscounting =
        new Batcher<>(10, 1, items -> Uni.createFrom().item(List.of()));
    ExecutionException miscounted =
        assertThrows(
            ExecutionException.class,
            () -> miscounting.submit(1).subscribeAsCompletionStage().get(1, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, miscounted.getCause());
    assertEquals(0, miscounting.waiting());
  }

  @Test
  void writesGoUpToMaxBatchTogetherAndCountAsWaitingUntilWritten() {
    List<List<Integer>> statements = new CopyOnWriteArrayList<>();
    List<UniEmitter<? super Void>> running = new CopyOnWriteArrayList<>();
    Batcher<Integer, Void> b =
        Batcher.writes(
            3,
            1,
            items -> {
              statements.add(items);
              return Uni.createFrom().emitter(running::add);
            });
    List<Uni<Void>> done = started(b, 0, 1, 2, 3, 4, 5);
    assertEquals(List.of(List.of(0)), statements, "alone, an item goes at once");
    assertEquals(6, b.waiting());
    running.get(0).complete(null);
    assertEquals(List.of(List.of(0), List.of(1, 2, 3)), statements, "then up to maxBatch together");
    running.get(1).complete(null);
    running.get(2).complete(null);
    assertEquals(List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5)), statements);
    done.forEach(u -> u.await().atMost(Duration.ofSeconds(1)));
    assertEquals(0, b.waiting());
  }

  @Test
  void aBadItemFailsAloneAndTheOthersAreWritten() {
    List<Integer> written = new CopyOnWriteArrayList<>();
    List<UniEmitter<? super Void>> first = new CopyOnWriteArrayList<>();
    Batcher<Integer, Void> b =
        Batcher.writes(
            10,
            1,
            items -> {
              if (items.size() == 1 && items.get(0) == 0) {
                return Uni.createFrom().emitter(first::add); // holds the others back
              }
              if (items.contains(13)) {
                return Uni.createFrom().failure(new IllegalArgumentException("bad item"));
              }
              written.addAll(items);
              return Uni.createFrom().voidItem();
            });
    b.submit(0).subscribe().with(ok -> {}, err -> {});
    List<Uni<Void>> rest = started(b, 11, 12, 13, 14);
    first.get(0).complete(null);
    assertEquals(List.of(11, 12, 14), written);
    assertThrows(
        IllegalArgumentException.class, () -> rest.get(2).await().atMost(Duration.ofSeconds(1)));
    rest.get(0).await().atMost(Duration.ofSeconds(1));
    assertTrue(b.waiting() == 0);
  }

  @Test
  void aBatchThatLostADeadlockIsWrittenAgainItemByItemButAnOutageFailsItWhole() {
    List<List<Integer>> statements = new CopyOnWriteArrayList<>();
    List<UniEmitter<? super Void>> first = new CopyOnWriteArrayList<>();
    PgException deadlock = new PgException("deadlock detected", "ERROR", "40P01", null);
    PgException down = new PgException("terminating connection", "FATAL", "57P01", null);
    Batcher<Integer, Void> b =
        Batcher.writes(
            10,
            1,
            items -> {
              statements.add(List.copyOf(items));
              if (items.size() == 1 && items.get(0) == 0) {
                return Uni.createFrom().emitter(first::add); // holds the others back
              }
              if (items.size() > 1) {
                return Uni.createFrom().failure(items.contains(21) ? down : deadlock);
              }
              return Uni.createFrom().voidItem();
            });
    b.submit(0).subscribe().with(ok -> {}, err -> {});
    List<Uni<Void>> lost = started(b, 11, 12);
    first.get(0).complete(null);
    lost.forEach(u -> u.await().atMost(Duration.ofSeconds(1)));
    assertEquals(List.of(List.of(0), List.of(11, 12), List.of(11), List.of(12)), statements);

    statements.clear();
    b.submit(0).subscribe().with(ok -> {}, err -> {});
    List<Uni<Void>> outage = started(b, 21, 22);
    first.get(1).complete(null);
    for (Uni<Void> u : outage) {
      assertSame(
          down, assertThrows(PgException.class, () -> u.await().atMost(Duration.ofSeconds(1))));
    }
    assertEquals(List.of(List.of(0), List.of(21, 22)), statements, "not item by item");
    assertEquals(0, b.waiting());
  }
}
