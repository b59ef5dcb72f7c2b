package io.paystream.shared.security;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.paystream.shared.error.ApiException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Checks {@code X-Api-Key}/{@code X-Api-Secret} against a service's own credential table, with a
 * short-lived cache so that the hot path makes no database round trip for authentication.
 *
 * <p>Unknown keys are cached briefly too, so a flood of bad keys does not reach the database. A
 * rotated secret is accepted by other instances until their cached entry expires ({@code ttl}). A
 * secret that does not match what was cached is checked once more against the table when the cached
 * entry is at least {@value #RECHECK_AFTER_MILLIS} ms old: a new merchant, or a new secret, is
 * accepted by every instance as soon as the table holds it, not only by the one that wrote it. At
 * most one such reload per key runs every {@value #RECHECK_AFTER_MILLIS} ms, however many requests
 * fail.
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

  /** How old a cached entry must be before a secret it refuses sends the key back to the table. */
  static final long RECHECK_AFTER_MILLIS = 100;

  private final Loader loader;
  private final LongSupplier nanoClock;
  private final AsyncCache<String, Entry> cache;

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
            .buildAsync();
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
    return Uni.createFrom()
        .deferred(
            () -> {
              CompletableFuture<Entry> cached = lookup(apiKey);
              return Uni.createFrom()
                  .completionStage(cached)
                  .chain(
                      entry -> {
                        if (entry.accepts(apiSecret)) {
                          return Uni.createFrom().item(entry.credential());
                        }
                        if (nanoClock.getAsLong() - entry.loadedAt()
                            < TimeUnit.MILLISECONDS.toNanos(RECHECK_AFTER_MILLIS)) {
                          return Uni.createFrom().failure(ApiException.unauthenticated());
                        }
                        // Only the request that finds this entry still cached replaces it; the
                        // others failing with it at the same moment share the one reload.
                        cache.asMap().remove(apiKey, cached);
                        return Uni.createFrom()
                            .completionStage(() -> lookup(apiKey))
                            .map(
                                fresh -> {
                                  if (!fresh.accepts(apiSecret)) {
                                    throw ApiException.unauthenticated();
                                  }
                                  return fresh.credential();
                                });
                      });
            });
  }

  private CompletableFuture<Entry> lookup(String apiKey) {
    return cache.get(
        apiKey,
        (key, executor) ->
            loader
                .load(key)
                .map(found -> new Entry(found, nanoClock.getAsLong()))
                .subscribeAsCompletionStage());
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
