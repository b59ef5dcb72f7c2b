package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.security.RateLimiter;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Headers that cannot name a merchant are refused before they cost anything: no rate-limit bucket,
 * no lookup. A plausible key that fails counts against a bucket of its own, never the merchant's:
 * the key is public, and anyone could otherwise spend the merchant's budget.
 */
class MerchantAuthTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final UUID MERCHANT = UUID.randomUUID();
  private static final String KEY = "key_live_merchant";
  private static final String SECRET = "secret_live_merchant";

  private final AtomicInteger lookups = new AtomicInteger();
  private final RateLimiter limiter = new RateLimiter(1, 5);

  private final ApiKeyAuthenticator authenticator =
      new ApiKeyAuthenticator(
          key -> {
            lookups.incrementAndGet();
            return Uni.createFrom()
                .item(
                    key.equals(KEY)
                        ? new ApiKeyAuthenticator.Credential(
                            MERCHANT, "Merchant", ApiSecrets.parseHash(ApiSecrets.hash(SECRET)))
                        : null);
          },
          Duration.ofMinutes(1),
          Duration.ofSeconds(5),
          1_000);
  private final MerchantAuth auth = new MerchantAuth(authenticator, limiter, (CredentialFeed) null);

  @Test
  void oversizedKeysKeepNoBucketAndLoadNothing() {
    for (int i = 0; i < 500; i++) {
      String key = "k" + i + "x".repeat(16_000);
      assertEquals(401, refusal(key, "secret").status());
    }
    assertEquals(401, refusal(null, "secret").status());
    assertEquals(401, refusal("", "secret").status());
    assertEquals(0, limiter.tracked(), "no bucket for headers that name no merchant");
    assertEquals(0, lookups.get(), "no lookup either");
  }

  @Test
  void aWrongButPlausibleKeyCountsAgainstItsBucket() {
    String key = "k".repeat(ApiKeyAuthenticator.MAX_KEY_LENGTH);
    assertEquals(401, refusal(key, "wrong").status());
    assertEquals(1, limiter.tracked());
    assertEquals(1, lookups.get());
  }

  @Test
  void aMerchantsKeyWithoutASecretIsAFailedAttemptLimitedLikeAWrongSecret() {
    for (int i = 0; i < 5; i++) {
      assertEquals(401, refusal(KEY, null).status(), "attempt " + i);
    }
    assertEquals(429, refusal(KEY, null).status(), "a flood of keys without secrets is limited");
    assertEquals(0, lookups.get(), "a key without a secret costs no lookup");
    assertEquals(429, refusal(KEY, "guess").status(), "the same bucket as wrong secrets");
    assertEquals(MERCHANT, auth.caller(KEY, SECRET, "req_1").await().atMost(WAIT).merchantId());
  }

  @Test
  void failedAttemptsWithAMerchantsKeyAreLimitedWithoutSpendingItsBudget() {
    for (int i = 0; i < 5; i++) {
      assertEquals(401, refusal(KEY, "guess-" + i).status(), "attempt " + i);
    }
    ApiException limited = refusal(KEY, "guess-5");
    assertEquals(429, limited.status(), "failures are limited too");
    assertEquals(1, limited.retryAfterSeconds());

    // The merchant itself still has its whole budget, and is limited only beyond it.
    for (int i = 0; i < 5; i++) {
      assertEquals(
          MERCHANT, auth.caller(KEY, SECRET, "req_" + i).await().atMost(WAIT).merchantId());
    }
    assertEquals(429, refusal(KEY, SECRET).status());
  }

  @Test
  void aCopyOfTheCredentialsWhoseFeedIsNotReadIsNotVouchedFor() {
    AtomicInteger sinceRead = new AtomicInteger(400);
    MerchantAuth copy = new MerchantAuth(authenticator, limiter, sinceRead::get);
    assertEquals(MERCHANT, copy.caller(KEY, SECRET, "req_1").await().atMost(WAIT).merchantId());

    // The feed unread for longer than a credential is cached: a secret rotated meanwhile would
    // still be taken, so none is, right or wrong, until the feed is read again.
    sinceRead.set(5_001);
    for (String secret : new String[] {SECRET, "wrong"}) {
      ApiException e =
          assertThrows(
              ApiException.class, () -> copy.caller(KEY, secret, "req_2").await().atMost(WAIT));
      assertEquals(503, e.status());
      assertEquals("SERVICE_UNAVAILABLE", e.code().name());
      assertEquals(5, e.retryAfterSeconds());
    }
    // Headers that name no merchant are still a 401.
    assertEquals(
        401,
        assertThrows(ApiException.class, () -> copy.caller(null, SECRET, "r").await().atMost(WAIT))
            .status());

    sinceRead.set(100);
    assertEquals(MERCHANT, copy.caller(KEY, SECRET, "req_3").await().atMost(WAIT).merchantId());
  }

  private ApiException refusal(String key, String secret) {
    return assertThrows(
        ApiException.class, () -> auth.caller(key, secret, "req_test").await().atMost(WAIT));
  }
}
