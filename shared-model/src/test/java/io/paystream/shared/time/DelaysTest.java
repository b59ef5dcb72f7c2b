package io.paystream.shared.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelaysTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.closeAndAwait();
  }

  @Test
  void aWaitThatIsNotPositiveCompletesAtOnceOnTheCallersThread() {
    AtomicReference<Thread> completedOn = new AtomicReference<>();
    Delays.after(vertx, 0).subscribe().with(v -> completedOn.set(Thread.currentThread()));
    assertEquals(Thread.currentThread(), completedOn.get());
    Delays.after(vertx, -5).await().atMost(Duration.ofMillis(100));
  }

  @Test
  void aPositiveWaitCompletesOnATimerNotBeforeItIsDue() {
    long start = System.nanoTime();
    AtomicReference<Thread> completedOn = new AtomicReference<>();
    Delays.after(vertx, 150)
        .invoke(() -> completedOn.set(Thread.currentThread()))
        .await()
        .atMost(Duration.ofSeconds(5));
    long waitedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(waitedMillis >= 150, "completed after " + waitedMillis + " ms");
    assertTrue(
        completedOn.get().getName().startsWith("vert.x-eventloop"),
        "completed on " + completedOn.get().getName());
  }
}
