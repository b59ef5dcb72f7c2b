package io.paystream.shared.web;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.RateLimiter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Resolves the merchant behind {@code X-Api-Key}/{@code X-Api-Secret}, after the merchant's rate
 * limit (which failed attempts count against too).
 */
@ApplicationScoped
public class MerchantAuth {
  public static final String KEY = "X-Api-Key";
  public static final String SECRET = "X-Api-Secret";

  private final ApiKeyAuthenticator authenticator;
  private final RateLimiter limiter;

  public MerchantAuth(ApiKeyAuthenticator authenticator, RateLimiter limiter) {
    this.authenticator = authenticator;
    this.limiter = limiter;
  }

  public Uni<Caller> caller(String apiKey, String apiSecret, String requestId) {
    if (!ApiKeyAuthenticator.presentable(apiKey, apiSecret)) {
      // No bucket for headers that name no merchant: every distinct key would keep one for
      // minutes, and keys of kilobytes each would fill the heap.
      return Uni.createFrom().failure(ApiException.unauthenticated());
    }
    int wait = limiter.acquire(apiKey);
    if (wait > 0) {
      return Uni.createFrom()
          .failure(
              new ApiException(
                  ErrorCode.RATE_LIMIT_ERROR, 429, "Too many requests; slow down", null, wait));
    }
    return authenticator
        .authenticate(apiKey, apiSecret)
        .map(c -> new Caller(c.merchantId(), requestId));
  }
}
