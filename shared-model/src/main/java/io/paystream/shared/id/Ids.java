package io.paystream.shared.id;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Resource ids: a prefix and 16 characters {@code [A-Za-z0-9]} from a secure random source.
 *
 * <pre>{@code
 * String id = Ids.payment(); // "pay_x7Kq0bV3mN9pL2aZ"
 * }</pre>
 */
public final class Ids {
  public static final String ORDER = "order_";
  public static final String PAYMENT = "pay_";
  public static final String REFUND = "rfnd_";
  public static final String EVENT = "evt_";

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  /** Bytes at or above this are rejected so that every character is equally likely. */
  private static final int UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9]{16}");

  private Ids() {}

  public static String order() {
    return ORDER + random(16);
  }

  public static String payment() {
    return PAYMENT + random(16);
  }

  public static String refund() {
    return REFUND + random(16);
  }

  public static String event() {
    return EVENT + random(16);
  }

  /** {@code length} characters of {@code [A-Za-z0-9]}, uniformly from a secure random source. */
  public static String random(int length) {
    char[] out = new char[length];
    byte[] bytes = new byte[length + 8];
    int filled = 0;
    while (filled < length) {
      RANDOM.nextBytes(bytes);
      for (int i = 0; i < bytes.length && filled < length; i++) {
        int b = bytes[i] & 0xFF;
        if (b < UNBIASED_LIMIT) {
          out[filled++] = ALPHABET[b % ALPHABET.length];
        }
      }
    }
    return new String(out);
  }

  /** Whether {@code id} has the shape of an id with this prefix. */
  public static boolean looksLike(String prefix, String id) {
    return id != null
        && id.length() == prefix.length() + 16
        && id.startsWith(prefix)
        && SUFFIX.matcher(id).region(prefix.length(), id.length()).matches();
  }

  /**
   * Whether {@code id} could name a stored resource: at most 64 characters of {@code
   * [A-Za-z0-9_-]}. Anything else is unknown (404) without asking the database.
   */
  public static boolean plausible(String id) {
    if (id == null || id.isEmpty() || id.length() > 64) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Parses a UUID, or returns {@code null} when {@code text} is not one. */
  public static UUID uuidOrNull(String text) {
    if (text == null || text.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
