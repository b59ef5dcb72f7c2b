package io.paystream.shared.web;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.RateLimiter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Resolves the merchant behind {@code X-Api-Key}/{@code X-Api-Secret} under the merchant's rate
 * limit. Failed attempts count against a limit of their own, per key, as high as the merchant's:
 * the key is no secret (the checkout page carries it), and failures spending the merchant's own
 * budget would let anyone who knows it shut the merchant out of its API.
 */
@ApplicationScoped
public class MerchantAuth {
  public static final String KEY = "X-Api-Key";
  public static final String SECRET = "X-Api-Secret";

  /** Marks a failed-attempt bucket apart from merchants' (named by their UUIDs). */
  private static final String FAILED = "failed:";

  private final ApiKeyAuthenticator authenticator;
  private final RateLimiter limiter;
  private final CredentialFeed feed;

  @Inject
  public MerchantAuth(
      ApiKeyAuthenticator authenticator, RateLimiter limiter, Instance<CredentialFeed> feeds) {
    this(authenticator, limiter, feeds.isResolvable() ? feeds.get() : null);
  }

  /** With {@code feed} {@code null} for the service that owns the credentials. */
  public MerchantAuth(ApiKeyAuthenticator authenticator, RateLimiter limiter, CredentialFeed feed) {
    this.authenticator = authenticator;
    this.limiter = limiter;
    this.feed = feed;
  }

  public Uni<Caller> caller(String apiKey, String apiSecret, String requestId) {
    if (!ApiKeyAuthenticator.presentable(apiKey, apiSecret)) {
      // No bucket for headers that name no merchant: every distinct key would keep one for
      // minutes, and keys of kilobytes each would fill the heap. A plausible key without its
      // secret is a failed attempt on that key, limited as a wrong secret is.
      ApiException limited =
          apiSecret == null && ApiKeyAuthenticator.presentable(apiKey, "")
              ? limited(FAILED + apiKey)
              : null;
      return Uni.createFrom().failure(limited != null ? limited : ApiException.unauthenticated());
    }
    if (feed != null && feed.millisSinceLastRead() > CommonProducers.CREDENTIAL_TTL.toMillis()) {
      // A secret rotated since the feed was last read would still be taken here.
      return Uni.createFrom()
          .failure(
              ApiException.unavailable(
                  "Merchant credentials cannot be confirmed right now; retry shortly"));
    }
    return authenticator
        .authenticate(apiKey, apiSecret)
        .onFailure(ApiException::isUnauthenticated)
        .transform(
            failure -> {
              ApiException limited = limited(FAILED + apiKey);
              return limited != null ? limited : failure;
            })
        .map(
            c -> {
              ApiException limited = limited(c.merchantId().toString());
              if (limited != null) {
                throw limited;
              }
              return new Caller(c.merchantId(), requestId);
            });
  }

  /** A 429 when {@code bucket} is empty, else {@code null}. */
  private ApiException limited(String bucket) {
    int wait = limiter.acquire(bucket);
    return wait > 0 ? ApiException.rateLimited("Too many requests; slow down", wait) : null;
  }
}
