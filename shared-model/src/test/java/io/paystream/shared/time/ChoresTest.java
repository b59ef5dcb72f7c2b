package io.paystream.shared.time;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChoresTest {
  private final Vertx vertx = Vertx.vertx();
  private final Chores chores = new Chores(vertx);

  @AfterEach
  void close() {
    chores.cancel();
    vertx.closeAndAwait();
  }

  @Test
  void aRunThatOutlastsItsPeriodIsNotStartedAgainUntilItEnds() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    AtomicReference<UniEmitter<? super Void>> current = new AtomicReference<>();
    chores.every(
        20,
        "slow",
        () ->
            Uni.createFrom()
                .<Void>emitter(
                    e -> {
                      current.set(e);
                      starts.incrementAndGet();
                    }));

    await().atMost(Duration.ofSeconds(5)).until(() -> starts.get() == 1);
    Thread.sleep(200); // ten ticks while the first run is still going
    assertEquals(1, starts.get(), "runs started while the first had not ended");

    current.get().complete(null);
    await().atMost(Duration.ofSeconds(5)).until(() -> starts.get() == 2);
  }

  @Test
  void aRunThatNeverEndsIsGivenUpAndTheChoreRunsAgain() {
    Chores quick = new Chores(vertx, 200);
    AtomicInteger starts = new AtomicInteger();
    quick.every(
        20,
        "hung",
        () -> {
          starts.incrementAndGet();
          return Uni.createFrom().nothing(); // a statement on a connection that died silently
        });
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> starts.get() >= 3);
    } finally {
      quick.cancel();
    }
  }

  @Test
  void aChoreThatFailsOrThrowsRunsAgainAtItsNextTick() {
    AtomicInteger failing = new AtomicInteger();
    AtomicInteger throwing = new AtomicInteger();
    chores.every(
        20,
        "failing",
        () -> {
          failing.incrementAndGet();
          return Uni.createFrom().failure(new IllegalStateException("database down"));
        });
    chores.every(
        20,
        "throwing",
        () -> {
          throwing.incrementAndGet();
          throw new IllegalStateException("not ready");
        });

    await().atMost(Duration.ofSeconds(5)).until(() -> failing.get() >= 3 && throwing.get() >= 3);
  }

  @Test
  void cancelledChoresRunNoMore() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    chores.every(
        20,
        "counted",
        () -> {
          runs.incrementAndGet();
          return Uni.createFrom().voidItem();
        });
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 2);

    chores.cancel();
    // A tick already handed to the event loop may still run once.
    Thread.sleep(50);
    int afterCancel = runs.get();
    Thread.sleep(200);
    assertEquals(afterCancel, runs.get());
  }
}
