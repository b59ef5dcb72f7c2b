package io.paystream.shared.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.error.ApiException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A key or secret that the credential table gained after this instance cached the key is accepted
 * as soon as the table holds it (another instance applied the change), and a flood of refused
 * secrets still reaches the table at most once per recheck interval.
 */
class ApiKeyAuthenticatorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final UUID MERCHANT = UUID.randomUUID();
  private static final String KEY = "key_live_merchant";
  private static final long RECHECK_NANOS =
      TimeUnit.MILLISECONDS.toNanos(ApiKeyAuthenticator.RECHECK_AFTER_MILLIS);

  /** The credential table: key → secret. */
  private final Map<String, String> table = new ConcurrentHashMap<>();

  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ApiKeyAuthenticator authenticator =
      new ApiKeyAuthenticator(
          key -> {
            loads.incrementAndGet();
            String secret = table.get(key);
            return Uni.createFrom()
                .item(
                    secret == null
                        ? null
                        : new ApiKeyAuthenticator.Credential(
                            MERCHANT, "Merchant", ApiSecrets.parseHash(ApiSecrets.hash(secret))));
          },
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          1_000,
          now::get);

  @Test
  void aSecretRotatedElsewhereIsAcceptedOnceTheCachedEntryIsOldEnough() {
    table.put(KEY, "secret_old");
    assertEquals(MERCHANT, accepted(KEY, "secret_old"));

    table.put(KEY, "secret_new"); // another instance applied the rotation
    now.addAndGet(RECHECK_NANOS - 1);
    assertEquals(401, refused(KEY, "secret_new"), "a just-read entry is not read again");
    assertEquals(1, loads.get());

    now.addAndGet(1);
    assertEquals(MERCHANT, accepted(KEY, "secret_new"));
    assertEquals(2, loads.get());
    assertEquals(401, refused(KEY, "secret_old"), "the reloaded entry no longer takes the old one");
  }

  @Test
  void aKeyCreatedElsewhereIsAcceptedDespiteACachedMiss() {
    assertEquals(401, refused(KEY, "secret_new"));
    table.put(KEY, "secret_new");
    now.addAndGet(RECHECK_NANOS);
    assertEquals(MERCHANT, accepted(KEY, "secret_new"));
    assertEquals(2, loads.get());
  }

  @Test
  void refusedSecretsReloadTheKeyAtMostOncePerInterval() {
    table.put(KEY, "secret_live");
    accepted(KEY, "secret_live");
    for (int round = 1; round <= 3; round++) {
      now.addAndGet(RECHECK_NANOS);
      for (int i = 0; i < 50; i++) {
        assertEquals(401, refused(KEY, "guess-" + i));
      }
      assertEquals(1 + round, loads.get(), "round " + round);
    }
    for (int i = 0; i < 50; i++) {
      assertEquals(401, refused("key_unknown", "guess-" + i));
    }
    assertEquals(5, loads.get(), "an unknown key is looked up once within the interval");
  }

  @Test
  void anEntryIsReadAgainAfterItsTimeToLive() {
    table.put(KEY, "secret_live");
    accepted(KEY, "secret_live");
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    accepted(KEY, "secret_live");
    assertEquals(2, loads.get());
  }

  private UUID accepted(String key, String secret) {
    return authenticator.authenticate(key, secret).await().atMost(WAIT).merchantId();
  }

  private int refused(String key, String secret) {
    return assertThrows(
            ApiException.class, () -> authenticator.authenticate(key, secret).await().atMost(WAIT))
        .status();
  }
}
