package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.RateLimiter;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Headers that cannot name a merchant are refused before they cost anything: no rate-limit bucket,
 * no lookup. A plausible key that fails still counts against its own bucket.
 */
class MerchantAuthTest {
  private final AtomicInteger lookups = new AtomicInteger();
  private final RateLimiter limiter = new RateLimiter(100, 200);
  private final MerchantAuth auth =
      new MerchantAuth(
          new ApiKeyAuthenticator(
              key -> {
                lookups.incrementAndGet();
                return Uni.createFrom().nullItem();
              },
              Duration.ofMinutes(1),
              Duration.ofSeconds(5),
              1_000),
          limiter);

  @Test
  void oversizedKeysKeepNoBucketAndLoadNothing() {
    for (int i = 0; i < 500; i++) {
      String key = "k" + i + "x".repeat(16_000);
      assertEquals(401, refusal(key, "secret").status());
    }
    assertEquals(401, refusal(null, "secret").status());
    assertEquals(401, refusal("", "secret").status());
    assertEquals(401, refusal("key_live_abc", null).status());
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

  private ApiException refusal(String key, String secret) {
    return assertThrows(
        ApiException.class,
        () -> auth.caller(key, secret, "req_test").await().atMost(Duration.ofSeconds(5)));
  }
}
