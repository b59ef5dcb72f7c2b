package io.paystream.payments;

import java.time.Instant;
import java.util.UUID;

/**
 * A merchant account.
 *
 * @param apiSecretSealed the API secret sealed under the encryption key, for its own dashboard
 * @param passwordHash the dashboard password's hash (see {@code PasswordChecks})
 * @param credentialsVersion how many times its API secret was replaced (see {@code
 *     MerchantCredentials})
 */
public record Merchant(
    UUID id,
    String name,
    String email,
    String apiKey,
    String apiSecretSealed,
    String passwordHash,
    boolean isTest,
    Instant createdAt,
    long credentialsVersion) {

  public static final UUID TEST_ID = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");
  public static final String TEST_NAME = "Test Merchant";
  public static final String TEST_EMAIL = "test@example.com";
  public static final String TEST_API_KEY = "key_test_abc123";
  public static final String TEST_API_SECRET = "secret_test_xyz789";
  public static final String TEST_WEBHOOK_SECRET = "whsec_test_abc123";
  public static final String TEST_PASSWORD = "password";

  @Override
  public String toString() {
    return "Merchant[id=" + id + ", email=" + email + "]";
  }
}
