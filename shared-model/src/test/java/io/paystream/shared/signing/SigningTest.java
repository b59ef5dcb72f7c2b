package io.paystream.shared.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known vectors computed with an independent HMAC implementation (Python's hmac module). */
class SigningTest {
  private static final byte[] BODY =
      ("{\"event\":\"payment.success\",\"timestamp\":1705315870,"
              + "\"data\":{\"payment\":{\"id\":\"pay_H8sK3jD9s2L1pQr\",\"amount\":50000}}}")
          .getBytes(StandardCharsets.UTF_8);
  private static final String EVENT = "evt_Ab12Cd34Ef56Gh78";
  private static final long TS = 1705315870L;

  @Test
  void theTestMerchantsSecretIsNotBase64SoItsWholeUtf8BytesAreTheKey() {
    SigningSecret s = SigningSecret.of("whsec_test_abc123");
    assertArrayEquals("whsec_test_abc123".getBytes(StandardCharsets.UTF_8), s.standardKey());
    assertEquals(
        "7f72b57bf5d2c4395e6a1316e55f3ae6a3ad2da61c1e23e1db2895c344db408e", s.hexSignature(BODY));
    assertEquals(
        "v1,xwSGPvyHTot0eafCkHDha23XgIQYAie9e4NVzd4UrAM=", s.standardSignature(EVENT, TS, BODY));
  }

  @Test
  void aBase64SecretIsKeyedWithItsDecodedBytes() {
    SigningSecret s = SigningSecret.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    assertEquals(24, s.standardKey().length);
    assertEquals(
        "1f3c23618616737c74b90ecb5c30327781c457ddcc69c69603db2e457c28ab10", s.hexSignature(BODY));
    assertEquals(
        "v1,xpv28HHLI+r5Sco4PcbdkTByQTs7jtuR6uijDcW3doI=", s.standardSignature(EVENT, TS, BODY));
    // The published Standard Webhooks test vector.
    assertEquals(
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        s.standardSignature(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330L,
            "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void onlyCanonicalPaddedBase64CountsAsBase64() {
    assertArrayEquals("test".getBytes(StandardCharsets.UTF_8), key("whsec_dGVzdA=="));
    assertEquals(
        "v1,91XX0XjCp8i8OC5Bnc7ikVUbiFDa93TcwN0gjD9jdnc=",
        SigningSecret.of("whsec_dGVzdA==").standardSignature(EVENT, TS, BODY));
    // Unpadded, URL-safe, empty or unprefixed: the whole secret's UTF-8 bytes.
    for (String s :
        List.of("whsec_dGVzdA", "whsec_ab-_", "whsec_", "dGVzdA==", "whsec_dGVz dA==")) {
      assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), key(s), s);
    }
    assertEquals(
        "v1,FB2jzVp7MKPwpBvYbpFb34v0dhPdJzPjlkqS/YQvAgI=",
        SigningSecret.of("whsec_dGVzdA").standardSignature(EVENT, TS, BODY));
  }

  @Test
  void generatedSecretsAre32RandomBytesThatStockLibrariesAccept() throws Exception {
    String secret = SigningSecret.generate();
    assertTrue(secret.matches("whsec_[A-Za-z0-9+/]{43}="), secret);
    assertNotEquals(secret, SigningSecret.generate());
    SigningSecret s = SigningSecret.of(secret);
    assertEquals(32, s.standardKey().length);
    assertArrayEquals(Base64.getDecoder().decode(secret.substring(6)), s.standardKey());
    // The library's own string constructor derives the same key.
    long now = Instant.now().getEpochSecond();
    WebhookSignature sig = WebhookSignature.sign(BODY, EVENT, now, List.of(s));
    new Webhook(secret).verify(new String(BODY, StandardCharsets.UTF_8), headers(sig));
  }

  @Test
  void duringRotationEachLiveSecretSignsAndTheHexUsesTheNewest() throws Exception {
    SigningSecret newest = SigningSecret.of(SigningSecret.generate());
    SigningSecret previous = SigningSecret.of("whsec_test_abc123");
    long now = Instant.now().getEpochSecond();
    WebhookSignature sig = WebhookSignature.sign(BODY, EVENT, now, List.of(newest, previous));
    assertEquals(newest.hexSignature(BODY), sig.hex());
    String[] parts = sig.standard().split(" ");
    assertEquals(2, parts.length);
    assertEquals(newest.standardSignature(EVENT, now, BODY), parts[0]);
    assertEquals(previous.standardSignature(EVENT, now, BODY), parts[1]);
    String payload = new String(BODY, StandardCharsets.UTF_8);
    new Webhook(newest.standardKey()).verify(payload, headers(sig));
    new Webhook(previous.standardKey()).verify(payload, headers(sig));
    Webhook stranger = new Webhook(SigningSecret.of(SigningSecret.generate()).standardKey());
    assertThrows(WebhookVerificationException.class, () -> stranger.verify(payload, headers(sig)));
  }

  @Test
  void headersCarryTheEventIdAndTheAttemptsTimestamp() {
    WebhookSignature sig =
        WebhookSignature.sign(BODY, EVENT, TS, List.of(SigningSecret.of("whsec_test_abc123")));
    Map<String, String> h = sig.headers();
    assertEquals(EVENT, h.get("webhook-id"));
    assertEquals("1705315870", h.get("webhook-timestamp"));
    assertEquals("v1,xwSGPvyHTot0eafCkHDha23XgIQYAie9e4NVzd4UrAM=", h.get("webhook-signature"));
    assertEquals(
        "7f72b57bf5d2c4395e6a1316e55f3ae6a3ad2da61c1e23e1db2895c344db408e",
        h.get("X-Webhook-Signature"));
  }

  @Test
  void emptySecretsAndNoSecretsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SigningSecret.of(""));
    assertThrows(IllegalArgumentException.class, () -> SigningSecret.of(null));
    assertThrows(
        IllegalArgumentException.class, () -> WebhookSignature.sign(BODY, EVENT, TS, List.of()));
    assertDoesNotThrow(() -> SigningSecret.of("x").hexSignature(new byte[0]));
    assertTrue(!SigningSecret.of("whsec_test_abc123").toString().contains("abc123"));
  }

  private static byte[] key(String secret) {
    return SigningSecret.standardWebhooksKey(secret);
  }

  private static Map<String, List<String>> headers(WebhookSignature sig) {
    return Map.of(
        "webhook-id", List.of(sig.id()),
        "webhook-timestamp", List.of(Long.toString(sig.timestamp())),
        "webhook-signature", List.of(sig.standard()));
  }
}
