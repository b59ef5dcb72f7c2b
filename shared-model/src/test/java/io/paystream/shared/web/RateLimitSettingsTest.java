package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.security.RateLimiter;
import org.junit.jupiter.api.Test;

/**
 * The contract promises every merchant at least 100 requests/s: a service set to limit below that
 * ({@code RATE_LIMIT_PER_SECOND} other than 0, or {@code RATE_LIMIT_BURST}) does not start.
 */
class RateLimitSettingsTest {
  @Test
  void aRateBelowTheFloorStopsTheService() {
    for (double rate : new double[] {99.9, 50, 1, -1, Double.NaN}) {
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> limiter(rate, 2000), "rate " + rate);
      assertTrue(
          refused.getMessage().startsWith("RATE_LIMIT_PER_SECOND must be 0 (no limit) or at least"),
          refused.getMessage());
    }
  }

  @Test
  void aBurstBelowTheFloorStopsTheService() {
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> limiter(1000, 99));
    assertEquals("RATE_LIMIT_BURST must be at least 100, not 99.0", refused.getMessage());
  }

  @Test
  void theFloorItselfAndNoLimitAreAccepted() {
    RateLimiter floor = limiter(100, 100);
    long start = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      assertEquals(0, floor.acquire("m"), "request " + i + " of a burst of 100");
    }
    // Then as fast as it can for 50 ms: what passes is the burst and 100/s since the start,
    // however slowly this machine ran the loop; the rest waits.
    int passed = 100;
    int waited = 0;
    while (System.nanoTime() - start < 50_000_000L) {
      if (floor.acquire("m") == 0) {
        passed++;
      } else {
        waited++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(waited > 0, "requests beyond the burst wait");
    assertTrue(passed <= 100 + 100 * seconds + 1, passed + " passed in " + seconds + " s");

    RateLimiter off = limiter(0, 0);
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, off.acquire("m"));
    }
  }

  private static RateLimiter limiter(double perSecond, double burst) {
    return new CommonProducers("test", Settings.rateLimit(perSecond, burst)).rateLimiter();
  }
}
