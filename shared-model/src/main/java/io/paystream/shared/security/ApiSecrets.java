package io.paystream.shared.security;

import io.paystream.shared.id.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * API keys and secrets. A secret is kept only as its SHA-256 for the authentication check (a secret
 * is 32 random characters, so the hash cannot be reversed) and, where the merchant's own dashboard
 * must show it, sealed with {@link SecretBox}.
 */
public final class ApiSecrets {
  private ApiSecrets() {}

  /** A new public API key. */
  public static String newApiKey() {
    return "key_live_" + Ids.random(20);
  }

  /** A new API secret. */
  public static String newApiSecret() {
    return "secret_live_" + Ids.random(32);
  }

  /** The lowercase hex SHA-256 of a secret's UTF-8 bytes. */
  public static String hash(String secret) {
    return HexFormat.of().formatHex(digest(secret));
  }

  /** Compares a presented secret with a stored hash in time independent of where they differ. */
  public static boolean matches(String presented, byte[] storedHash) {
    return MessageDigest.isEqual(digest(presented), storedHash);
  }

  /** Parses a hash written by {@link #hash}. */
  public static byte[] parseHash(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
