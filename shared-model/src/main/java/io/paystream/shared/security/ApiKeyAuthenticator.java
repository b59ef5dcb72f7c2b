package io.paystream.shared.security;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.paystream.shared.error.ApiException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks {@code X-Api-Key}/{@code X-Api-Secret} against a service's own credential table, with a
 * short-lived cache so that the hot path makes no database round trip for authentication.
 *
 * <p>Unknown keys are cached briefly too, so a flood of bad keys does not reach the database. A
 * rotated secret is accepted by other instances until their cached entry expires ({@code ttl}).
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

  private final Loader loader;
  private final AsyncCache<String, Optional<Credential>> cache;

  public ApiKeyAuthenticator(Loader loader, Duration ttl, Duration unknownTtl, long maxSize) {
    this.loader = loader;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxSize)
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
        .completionStage(
            () ->
                cache.get(
                    apiKey,
                    (key, executor) ->
                        loader.load(key).map(Optional::ofNullable).subscribeAsCompletionStage()))
        .map(
            found -> {
              byte[] expected = found.map(Credential::secretHash).orElse(NO_MATCH);
              boolean ok = ApiSecrets.matches(apiSecret, expected);
              if (found.isEmpty() || !ok) {
                throw ApiException.unauthenticated();
              }
              return found.get();
            });
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

  private record TtlByPresence(long knownNanos, long unknownNanos)
      implements Expiry<String, Optional<Credential>> {
    @Override
    public long expireAfterCreate(String key, Optional<Credential> value, long now) {
      return value.isPresent() ? knownNanos : unknownNanos;
    }

    @Override
    public long expireAfterUpdate(
        String key, Optional<Credential> value, long now, long currentDuration) {
      return expireAfterCreate(key, value, now);
    }

    @Override
    public long expireAfterRead(
        String key, Optional<Credential> value, long now, long currentDuration) {
      return currentDuration;
    }
  }
}
