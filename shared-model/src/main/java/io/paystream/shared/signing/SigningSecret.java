package io.paystream.shared.signing;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A merchant's webhook signing secret ({@code whsec_…}) and the two keys derived from it.
 *
 * <ul>
 *   <li>{@code X-Webhook-Signature} is keyed with the UTF-8 bytes of the whole secret.
 *   <li>Standard Webhooks ({@code webhook-signature}) is keyed with the base64-decoded part after
 *       {@code whsec_} where that part is valid standard base64 (canonical: padded, length a
 *       multiple of 4, alphabet {@code A–Z a–z 0–9 + /}); otherwise with the UTF-8 bytes of the
 *       whole secret, prefix included. {@code whsec_test_abc123} is therefore keyed with its own 17
 *       bytes, while {@link #generate()}'s secrets are keyed with their 32 random bytes, as stock
 *       Standard Webhooks libraries expect.
 * </ul>
 *
 * <pre>{@code
 * SigningSecret s = SigningSecret.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
 * String hex = s.hexSignature(body);
 * String v1 = s.standardSignature("evt_…", 1705315870L, body); // "v1,…"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class SigningSecret {
  public static final String PREFIX = "whsec_";

  private static final Pattern CANONICAL_BASE64 =
      Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HMAC = "HmacSHA256";

  private final String value;
  private final SecretKeySpec hexKey;
  private final byte[] standardKey;
  private final Webhook standard;

  private SigningSecret(String value) {
    this.value = value;
    this.hexKey = new SecretKeySpec(value.getBytes(StandardCharsets.UTF_8), HMAC);
    this.standardKey = standardWebhooksKey(value);
    try {
      this.standard = new Webhook(standardKey);
    } catch (EmptyWebhookSecretException e) {
      throw new IllegalArgumentException("webhook secret must not be empty");
    }
  }

  /**
   * The secret as given.
   *
   * @throws IllegalArgumentException when it is empty
   */
  public static SigningSecret of(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("webhook secret must not be empty");
    }
    return new SigningSecret(value);
  }

  /** A new secret: {@code whsec_} and the standard base64 of 32 random bytes. */
  public static String generate() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return PREFIX + Base64.getEncoder().encodeToString(raw);
  }

  /** The key Standard Webhooks signatures are made with, by the rule above. */
  public static byte[] standardWebhooksKey(String secret) {
    if (secret.startsWith(PREFIX)) {
      String rest = secret.substring(PREFIX.length());
      if (!rest.isEmpty() && CANONICAL_BASE64.matcher(rest).matches()) {
        return Base64.getDecoder().decode(rest);
      }
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  /** The secret in clear. */
  public String value() {
    return value;
  }

  /** A copy of the Standard Webhooks key. */
  public byte[] standardKey() {
    return standardKey.clone();
  }

  /** Lowercase hex HMAC-SHA256 of the body, keyed with the secret's UTF-8 bytes. */
  public String hexSignature(byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(hexKey);
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /**
   * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, made by the Standard Webhooks library.
   *
   * @param body compact JSON in UTF-8, as sent
   */
  public String standardSignature(String messageId, long timestamp, byte[] body) {
    try {
      return standard.sign(messageId, timestamp, new String(body, StandardCharsets.UTF_8));
    } catch (WebhookSigningException e) {
      throw new IllegalStateException("Standard Webhooks signing failed", e);
    }
  }

  /** Never the secret itself: instances end up in logs by accident. */
  @Override
  public String toString() {
    return "SigningSecret[" + PREFIX + "…]";
  }
}
