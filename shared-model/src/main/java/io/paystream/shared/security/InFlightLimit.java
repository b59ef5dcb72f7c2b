package io.paystream.shared.security;

import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} pieces of work in flight at once per key (a merchant), per instance: for
 * work a client can start cheaply that holds something for seconds (a name lookup, a request
 * waiting for news). {@link #tryAcquire} never blocks.
 *
 * <pre>{@code
 * if (!lookups.tryAcquire(merchantId)) {
 *   throw ApiException.rateLimited("...", 1);
 * }
 * work.whenComplete((r, e) -> lookups.release(merchantId));
 * }</pre>
 */
public final class InFlightLimit<K> {
  private final int limit;
  private final ConcurrentHashMap<K, Integer> inFlight = new ConcurrentHashMap<>();

  public InFlightLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    this.limit = limit;
  }

  /** Takes a place for {@code key}: {@code false} when all of its places are taken. */
  public boolean tryAcquire(K key) {
    boolean[] taken = {false};
    inFlight.compute(
        key,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= limit) {
            return n;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  /** Gives back a place {@link #tryAcquire} took for {@code key}. */
  public void release(K key) {
    inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Places taken now, over every key. */
  public int total() {
    int sum = 0;
    for (int n : inFlight.values()) {
      sum += n;
    }
    return sum;
  }

  /** Places taken for {@code key} now. */
  public int inFlight(K key) {
    return inFlight.getOrDefault(key, 0);
  }
}
