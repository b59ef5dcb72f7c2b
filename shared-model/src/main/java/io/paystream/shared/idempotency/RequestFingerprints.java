package io.paystream.shared.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The fingerprint stored with an {@code Idempotency-Key}: HMAC-SHA256 of method, path and body
 * under a key of the deployment's. A plain hash would let whoever reads the table test guesses of
 * what a request held (a card number and its CVV, whose other fields the payment row shows); keyed,
 * a guess cannot be checked without the key, which is not in the database.
 */
public final class RequestFingerprints {
  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;

  /**
   * @param key at least 32 bytes
   */
  public RequestFingerprints(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("a fingerprint key has at least 32 bytes");
    }
    this.key = new SecretKeySpec(key, HMAC);
  }

  /**
   * The fingerprint of a request. The body is taken with its keys sorted, so that the same request
   * written with another key order or spacing is the same request; a request without a body has
   * {@code null}.
   */
  public byte[] of(String method, String path, JsonNode body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      mac.update(method.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '\n');
      mac.update(path.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '\n');
      return mac.doFinal(JsonWriter.sortingKeys().value(body).toBytes());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
