package io.paystream.shared.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * A token bucket per key (a merchant, or an API key that failed to authenticate), per instance.
 * {@link #acquire} never blocks: it answers how long to wait when the bucket is empty.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final Cache<String, Bucket> buckets;

  /**
   * @param perSecond sustained requests per second per key (0 or less: no limit)
   * @param burst requests allowed at once
   */
  public RateLimiter(double perSecond, double burst) {
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
    this.buckets =
        Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(5)).maximumSize(100_000).build();
  }

  /** Takes one token; returns 0 when allowed, else the whole seconds to wait (at least 1). */
  public int acquire(String key) {
    if (perSecond <= 0) {
      return 0;
    }
    Bucket bucket = buckets.get(key, k -> new Bucket(burst, System.nanoTime()));
    synchronized (bucket) {
      long now = System.nanoTime();
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.refilledAt) * perSecond / 1e9);
      bucket.refilledAt = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return (int) Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    }
  }

  /** How many keys have a bucket now (approximately: expired ones may not be swept yet). */
  public long tracked() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  private static final class Bucket {
    private double tokens;
    private long refilledAt;

    private Bucket(double tokens, long refilledAt) {
      this.tokens = tokens;
      this.refilledAt = refilledAt;
    }
  }
}
