package io.paystream.shared.idempotency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.json.Json;
import io.paystream.shared.security.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RequestFingerprintsTest {
  private static final byte[] KEY =
      SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY).derivedKey("idempotency-fingerprint");
  private static final RequestFingerprints FINGERPRINTS = new RequestFingerprints(KEY);

  @Test
  void ignoresKeyOrderAndSpacingButNotValuesMethodOrPath() {
    byte[] a = FINGERPRINTS.of("POST", "/p", Json.parse("{\"a\":1,\"b\":{\"c\":2}}"));
    byte[] b = FINGERPRINTS.of("POST", "/p", Json.parse("{ \"b\": {\"c\":2}, \"a\": 1 }"));
    assertArrayEquals(a, b);
    assertFalse(
        Arrays.equals(a, FINGERPRINTS.of("POST", "/p", Json.parse("{\"a\":2,\"b\":{\"c\":2}}"))));
    assertFalse(
        Arrays.equals(a, FINGERPRINTS.of("POST", "/q", Json.parse("{\"a\":1,\"b\":{\"c\":2}}"))));
    assertFalse(
        Arrays.equals(a, FINGERPRINTS.of("PUT", "/p", Json.parse("{\"a\":1,\"b\":{\"c\":2}}"))));
    assertArrayEquals(FINGERPRINTS.of("POST", "/p", null), FINGERPRINTS.of("POST", "/p", null));
  }

  @Test
  void isTheHmacOfMethodPathAndSortedBodyUnderTheKeyNotAPlainHash() throws Exception {
    String card =
        "{\"order_id\":\"order_x\",\"method\":\"card\",\"card\":{\"number\":\"4111111111111111\",\"cvv\":\"123\"}}";
    String sorted =
        "{\"card\":{\"cvv\":\"123\",\"number\":\"4111111111111111\"},\"method\":\"card\",\"order_id\":\"order_x\"}";
    byte[] message = ("POST\n/api/v1/payments\n" + sorted).getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    byte[] fingerprint = FINGERPRINTS.of("POST", "/api/v1/payments", Json.parse(card));

    assertArrayEquals(mac.doFinal(message), fingerprint);
    // Whoever reads the table cannot check a guess of the card with a plain hash.
    assertFalse(Arrays.equals(MessageDigest.getInstance("SHA-256").digest(message), fingerprint));
    // Nor with the key of another deployment.
    byte[] other = new byte[32];
    assertFalse(
        Arrays.equals(
            new RequestFingerprints(other).of("POST", "/api/v1/payments", Json.parse(card)),
            fingerprint));
  }

  @Test
  void refusesShortKeys() {
    assertThrows(IllegalArgumentException.class, () -> new RequestFingerprints(new byte[16]));
  }

  @Test
  void derivedKeysDependOnTheDeploymentKeyAndThePurpose() {
    SecretBox dev = SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);
    SecretBox other = SecretBox.fromBase64Key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assertArrayEquals(KEY, dev.derivedKey("idempotency-fingerprint"));
    assertFalse(Arrays.equals(KEY, dev.derivedKey("another-purpose")));
    assertFalse(Arrays.equals(KEY, other.derivedKey("idempotency-fingerprint")));
  }
}
