package io.paystream.shared.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets kept at rest or sent between services with AES-256-GCM under the deployment's
 * {@code ENCRYPTION_KEY}. A sealed value reads {@code v1.<base64url(nonce ‖ ciphertext ‖ tag)>}.
 *
 * <pre>{@code
 * SecretBox box = SecretBox.fromBase64Key(System.getenv("ENCRYPTION_KEY"));
 * String sealed = box.seal("whsec_…");
 * String clear = box.open(sealed);
 * }</pre>
 */
public final class SecretBox {
  /**
   * The key used when {@code ENCRYPTION_KEY} is unset: for development only, and announced with a
   * warning by every service that falls back to it.
   */
  public static final String DEVELOPMENT_KEY = "cGF5c3RyZWFtLWRldmVsb3BtZW50LWtleS0zMmJ5dGU=";

  private static final String PREFIX = "v1.";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("ENCRYPTION_KEY must be the base64 of 32 bytes");
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** Whether {@code base64} is the public {@link #DEVELOPMENT_KEY}, however it is written. */
  public static boolean isDevelopmentKey(String base64) {
    try {
      return Arrays.equals(
          Base64.getDecoder().decode(base64.trim()), Base64.getDecoder().decode(DEVELOPMENT_KEY));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A box for the base64 of a 32-byte key. */
  public static SecretBox fromBase64Key(String base64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ENCRYPTION_KEY must be the base64 of 32 bytes");
    }
    return new SecretBox(raw);
  }

  /** Seals a secret. */
  public String seal(String clear) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  /**
   * A 32-byte key for another purpose, derived from this one (HMAC-SHA256 of the purpose under it),
   * so that the deployment's key itself is used for sealing only.
   */
  public byte[] derivedKey(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return mac.doFinal(("paystream/" + purpose).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Whether a value has the form of a sealed one ({@code v1.…}); JSON, say, has not. */
  public static boolean isSealed(String value) {
    return value != null && value.startsWith(PREFIX);
  }

  /**
   * Opens a sealed secret.
   *
   * @throws IllegalArgumentException when it was not sealed with this key, or was altered
   */
  public String open(String sealed) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a sealed secret");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      byte[] clear = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new String(clear, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("sealed secret cannot be opened with this key");
    }
  }
}
