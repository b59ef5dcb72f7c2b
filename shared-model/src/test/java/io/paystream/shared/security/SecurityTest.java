package io.paystream.shared.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecurityTest {
  @Test
  void secretHashIsSha256Hex() {
    // sha256("abc") from FIPS 180-2.
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiSecrets.hash("abc"));
    assertTrue(ApiSecrets.matches("abc", ApiSecrets.parseHash(ApiSecrets.hash("abc"))));
    assertFalse(ApiSecrets.matches("abd", ApiSecrets.parseHash(ApiSecrets.hash("abc"))));
  }

  @Test
  void sealedSecretsOpenOnlyWithTheirKey() {
    SecretBox box = SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);
    String sealed = box.seal("whsec_test_abc123");
    assertTrue(sealed.startsWith("v1."));
    assertNotEquals(sealed, box.seal("whsec_test_abc123")); // fresh nonce each time
    assertEquals("whsec_test_abc123", box.open(sealed));

    byte[] other = new byte[32];
    other[0] = 1;
    SecretBox otherBox = SecretBox.fromBase64Key(Base64.getEncoder().encodeToString(other));
    assertThrows(IllegalArgumentException.class, () -> otherBox.open(sealed));
    String tampered =
        sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("A") ? "BB" : "AA");
    assertThrows(IllegalArgumentException.class, () -> box.open(tampered));
  }

  @Test
  void keyMustBe32Bytes() {
    assertThrows(IllegalArgumentException.class, () -> SecretBox.fromBase64Key("c2hvcnQ="));
    assertThrows(IllegalArgumentException.class, () -> SecretBox.fromBase64Key("not base64!"));
  }

  @Test
  void rateLimiterAllowsBurstThenAsksToWait() {
    // One token a second: the test cannot be slow enough for a refill to hide the limit.
    RateLimiter limiter = new RateLimiter(1, 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(0, limiter.acquire("m"));
    }
    assertEquals(1, limiter.acquire("m"));
    assertEquals(0, limiter.acquire("other"));
    assertEquals(0, new RateLimiter(0, 0).acquire("m"));
  }
}
