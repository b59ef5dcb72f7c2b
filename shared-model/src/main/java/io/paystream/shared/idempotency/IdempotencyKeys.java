package io.paystream.shared.idempotency;

import io.paystream.shared.error.ApiException;

/** The {@code Idempotency-Key} header and its rules ({@link RequestFingerprints} for requests). */
public final class IdempotencyKeys {
  public static final String HEADER = "Idempotency-Key";
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  /**
   * What an {@code Idempotency-Key} header sent empty reads as ({@code EmptyIdempotencyKey}): a
   * NUL, which no header value can hold, so that {@link #validate} refuses it.
   */
  public static final String SENT_EMPTY = "\u0000";

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
   * What a shopper's key (a request without merchant credentials, on the merchant's behalf) is
   * stored under: a namespace of its own, which no merchant key can name, since a tab is not a
   * key's character. A shopper can thus neither take a key the merchant will use nor learn which
   * keys it has used.
   */
  public static String shopperScoped(String key) {
    return key == null ? null : "\tcheckout:" + key;
  }
}
