package io.paystream.shared.security;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.paystream.shared.error.ApiException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Checks {@code X-Api-Key}/{@code X-Api-Secret} against a service's own credential table, with a
 * short-lived cache so that the hot path makes no database round trip for authentication.
 *
 * <p>Unknown keys are cached briefly too, so a flood of bad keys does not reach the database. A
 * rotated secret is accepted by other instances until their cached entry expires ({@code ttl}).
 *
 * <p>A secret that the cached entry refuses is checked once more against the table when that entry
 * was read before the request arrived: a new merchant, or a new secret, written to the table by
 * another instance is accepted at once, not after the entry expires. The entry is read again at
 * most once every {@value #RECHECK_AFTER_MILLIS} ms (a request that finds it younger waits until it
 * is that old, holding no thread), however many wrong secrets arrive; concurrent rechecks share one
 * read (Caffeine's refresh), and a read that fails keeps the entry as it was. A key first read for
 * the request itself is as fresh as the request: it is never read twice.
 */
public final class ApiKeyAuthenticator {
  /** Loads the credential of an API key; emits {@code null} for an unknown key. */
  @FunctionalInterface
  public interface Loader {
    Uni<Credential> load(String apiKey);
  }

  /** What a key resolves to. */
  public record Credential(UUID merchantId, String merchantName, byte[] secretHash) {}

  private static final byte[] NO_MATCH = new byte[32];

  /** No API key is longer; a longer header is refused unread. */
  public static final int MAX_KEY_LENGTH = 200;

  /** The least time between two reads of one key that a refused secret causes. */
  static final long RECHECK_AFTER_MILLIS = 100;

  private static final long RECHECK_AFTER_NANOS =
      TimeUnit.MILLISECONDS.toNanos(RECHECK_AFTER_MILLIS);

  private final Loader loader;
  private final LongSupplier nanoClock;
  private final AsyncLoadingCache<String, Entry> cache;

  public ApiKeyAuthenticator(Loader loader, Duration ttl, Duration unknownTtl, long maxSize) {
    this(loader, ttl, unknownTtl, maxSize, System::nanoTime);
  }

  ApiKeyAuthenticator(
      Loader loader, Duration ttl, Duration unknownTtl, long maxSize, LongSupplier nanoClock) {
    this.loader = loader;
    this.nanoClock = nanoClock;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxSize)
            .ticker(nanoClock::getAsLong)
            .expireAfter(new TtlByPresence(ttl.toNanos(), unknownTtl.toNanos()))
            .buildAsync(
                new AsyncCacheLoader<String, Entry>() {
                  @Override
                  public CompletableFuture<Entry> asyncLoad(String key, Executor executor) {
                    return load(key);
                  }

                  /** A read that fails keeps the entry as it was. */
                  @Override
                  public CompletableFuture<Entry> asyncReload(
                      String key, Entry old, Executor executor) {
                    return load(key).exceptionally(failed -> old);
                  }
                });
  }

  /**
   * The merchant behind the headers.
   *
   * @throws ApiException 401 (as a failed Uni) when either header is missing or wrong
   */
  public Uni<Credential> authenticate(String apiKey, String apiSecret) {
    if (!presentable(apiKey, apiSecret)) {
      return Uni.createFrom().failure(ApiException.unauthenticated());
    }
    long arrived = nanoClock.getAsLong();
    // Reads of a key are shared by every request for it, and a request whose client goes away
    // cancels what it waits on: each waits on a copy, so that it never cancels the others' read.
    return Uni.createFrom()
        .completionStage(() -> cache.get(apiKey).copy())
        .chain(
            entry -> {
              if (entry.accepts(apiSecret) || entry.loadedAt() - arrived >= 0) {
                return Uni.createFrom().item(entry);
              }
              long young = RECHECK_AFTER_NANOS - (nanoClock.getAsLong() - entry.loadedAt());
              Uni<Entry> recheck =
                  Uni.createFrom().completionStage(() -> reread(apiKey, arrived).copy());
              return young <= 0
                  ? recheck
                  : Uni.createFrom()
                      .voidItem()
                      .onItem()
                      .delayIt()
                      // Whole milliseconds: Vert.x timers, which run it in a service, take no less.
                      .by(Duration.ofMillis(Math.max(1, ceilMillis(young))))
                      .chain(() -> recheck);
            })
        .map(
            entry -> {
              if (!entry.accepts(apiSecret)) {
                throw ApiException.unauthenticated();
              }
              return entry.credential();
            });
  }

  /**
   * The key's entry as read since {@code arrived}: the cached one if it is that fresh, else a new
   * read shared with every other recheck of the key; the entry as it was if that read fails.
   */
  private CompletableFuture<Entry> reread(String apiKey, long arrived) {
    CompletableFuture<Entry> current = cache.getIfPresent(apiKey);
    if (current != null) {
      Entry now = current.getNow(null);
      if (now != null && now.loadedAt() - arrived >= 0) {
        return current;
      }
    }
    return cache.synchronous().refresh(apiKey);
  }

  private static long ceilMillis(long nanos) {
    return (nanos + 999_999) / 1_000_000;
  }

  private CompletableFuture<Entry> load(String apiKey) {
    long started = nanoClock.getAsLong();
    return loader.load(apiKey).map(found -> new Entry(found, started)).subscribeAsCompletionStage();
  }

  /**
   * Whether the headers could name a merchant at all: both present, the key 1–200 characters (no
   * key is longer). Anything else is refused before any lookup, cache or rate-limit bucket is spent
   * on it.
   */
  public static boolean presentable(String apiKey, String apiSecret) {
    return apiKey != null
        && apiSecret != null
        && !apiKey.isEmpty()
        && apiKey.length() <= MAX_KEY_LENGTH;
  }

  /** Forgets a key at once (its secret was rotated, or the merchant changed). */
  public void invalidate(String apiKey) {
    cache.synchronous().invalidate(apiKey);
  }

  /** A cached lookup: the credential ({@code null} for an unknown key) and when it was read. */
  private record Entry(Credential credential, long loadedAt) {
    /** Whether {@code secret} is this key's; in constant time, whether the key is known or not. */
    boolean accepts(String secret) {
      boolean ok =
          ApiSecrets.matches(secret, credential == null ? NO_MATCH : credential.secretHash());
      return ok && credential != null;
    }
  }

  private record TtlByPresence(long knownNanos, long unknownNanos)
      implements Expiry<String, Entry> {
    @Override
    public long expireAfterCreate(String key, Entry value, long now) {
      return value.credential() != null ? knownNanos : unknownNanos;
    }

    @Override
    public long expireAfterUpdate(String key, Entry value, long now, long currentDuration) {
      return expireAfterCreate(key, value, now);
    }

    @Override
    public long expireAfterRead(String key, Entry value, long now, long currentDuration) {
      return currentDuration;
    }
  }
}
