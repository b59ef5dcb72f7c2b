package io.paystream.shared.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The {@code Idempotency-Key} header: its rules and the fingerprint of a request. */
public final class IdempotencyKeys {
  public static final String HEADER = "Idempotency-Key";
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private IdempotencyKeys() {}

  /**
   * The key, or {@code null} when the header is absent.
   *
   * @throws ApiException 400 unless it is 1–255 printable ASCII characters
   */
  public static String validate(String header) {
    if (header == null) {
      return null;
    }
    boolean ok = !header.isEmpty() && header.length() <= 255;
    for (int i = 0; ok && i < header.length(); i++) {
      char c = header.charAt(i);
      ok = c >= 0x20 && c <= 0x7E;
    }
    if (!ok) {
      throw ApiException.badRequest(
          "Idempotency-Key must be 1 to 255 printable characters", HEADER);
    }
    return header;
  }

  /**
   * SHA-256 of method, path and body; the body is taken with its keys sorted, so that the same
   * request written with another key order or spacing is the same request.
   */
  public static byte[] fingerprint(String method, String path, JsonNode body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(method.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(path.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(JsonWriter.sortingKeys().value(body).toBytes());
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
