package io.paystream.shared.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
  @Test
  void eachKeyHasItsOwnPlacesAndAReleasedPlaceCanBeTakenAgain() {
    InFlightLimit<String> limit = new InFlightLimit<>(2);
    assertTrue(limit.tryAcquire("a"));
    assertTrue(limit.tryAcquire("a"));
    assertFalse(limit.tryAcquire("a"));
    assertTrue(limit.tryAcquire("b"));
    assertEquals(2, limit.inFlight("a"));
    assertEquals(3, limit.total());
    limit.release("a");
    assertTrue(limit.tryAcquire("a"));
    limit.release("a");
    limit.release("a");
    limit.release("b");
    assertEquals(0, limit.inFlight("a"));
    assertEquals(0, limit.inFlight("b"));
    assertEquals(0, limit.total());
    assertThrows(IllegalArgumentException.class, () -> new InFlightLimit<String>(0));
  }

  @Test
  void manyThreadsAtOnceNeverHoldMoreThanTheLimit() throws Exception {
    InFlightLimit<String> limit = new InFlightLimit<>(3);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    int[] most = {0};
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                  if (limit.tryAcquire("k")) {
                    int now = limit.inFlight("k");
                    synchronized (most) {
                      most[0] = Math.max(most[0], now);
                    }
                    limit.release("k");
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertTrue(most[0] <= 3, "at most 3 at once, saw " + most[0]);
    assertEquals(0, limit.inFlight("k"), "every place given back");
  }
}
