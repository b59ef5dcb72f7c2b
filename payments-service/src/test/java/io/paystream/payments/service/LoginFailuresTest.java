package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.repository.MerchantRepository;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Failed logins per account, kept in PostgreSQL: a few per window, whatever the case of the email,
 * then a wait; each login counts as failed from the moment it is let through.
 */
@QuarkusTest
class LoginFailuresTest {
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Inject MerchantRepository merchants;
  @Inject Pool pool;

  private int attempt(String email) {
    return merchants.loginAttempt(email, WINDOW, 3).await().atMost(WAIT).retryAfterSeconds();
  }

  private static String email() {
    return "throttled-" + UUID.randomUUID() + "@shop.example";
  }

  /** The account a login of {@code email} counts under. */
  private static final String ACCOUNT = "encode(sha256(convert_to(lower($1), 'UTF8')), 'hex')";

  /** Moves the account's window {@code by} into the past, as if that much time had gone by. */
  private void age(String email, Duration by) {
    pool.preparedQuery(
            "UPDATE payments.login_failures SET first_at = first_at - $2 * interval '1 second'"
                + " WHERE account = "
                + ACCOUNT)
        .execute(Tuple.of(email, by.toSeconds()))
        .await()
        .atMost(WAIT);
  }

  private void undo(String email) {
    merchants.loginUndone(account(email)).await().atMost(WAIT);
  }

  private String account(String email) {
    return pool.preparedQuery("SELECT " + ACCOUNT)
        .execute(Tuple.of(email))
        .await()
        .atMost(WAIT)
        .iterator()
        .next()
        .getString(0);
  }

  /** The account's failures as stored, or -1 without a row. */
  private int failures(String email) {
    var rows =
        pool.preparedQuery(
                "SELECT failures FROM payments.login_failures WHERE account = " + ACCOUNT)
            .execute(Tuple.of(email))
            .await()
            .atMost(WAIT);
    return rows.size() == 0 ? -1 : rows.iterator().next().getInteger(0);
  }

  @Test
  void anAccountIsRefusedAfterItsTriesUntilTheWindowEnds() {
    String a = email();
    assertEquals(0, attempt(a));
    assertEquals(0, attempt(a.toUpperCase()));
    assertEquals(0, attempt(a));
    // Three let through and none has succeeded (yet): the fourth waits, however soon it comes.
    int wait = attempt(a);
    assertTrue(wait > 15 * 60 - 5 && wait <= 15 * 60, "waits the rest of the window: " + wait);
    assertEquals(0, attempt(email()), "other accounts are not affected");

    age(a, Duration.ofMinutes(10));
    wait = attempt(a.toUpperCase());
    assertTrue(wait > 5 * 60 - 5 && wait <= 5 * 60, "five minutes left: " + wait);
    age(a, Duration.ofMinutes(5));
    assertEquals(0, attempt(a), "the window has ended: a new one starts");
    assertEquals(0, attempt(a));
    assertEquals(0, attempt(a));
    assertTrue(attempt(a) > 0);
  }

  @Test
  void aLoginWithoutAVerdictOnItsPasswordIsTakenBack() {
    String a = email();
    for (int i = 0; i < 10; i++) {
      assertEquals(0, attempt(a), "try " + i);
      undo(a.toUpperCase());
    }
    undo(email());
    assertEquals(0, attempt(a));
    assertEquals(0, attempt(a));
    // Refused attempts write nothing, and taking back one that was let through frees one try.
    assertEquals(0, attempt(a));
    assertTrue(attempt(a) > 0);
    assertTrue(attempt(a) > 0);
    assertEquals(3, failures(a));
    undo(a);
    assertEquals(0, attempt(a));
    assertTrue(attempt(a) > 0);
  }

  @Test
  void aWindowWhoseFailuresWereAllTakenBackStartsAgainAtTheNextFailure() {
    String a = email();
    attempt(a);
    undo(a);
    age(a, Duration.ofMinutes(10));
    for (int i = 0; i < 3; i++) {
      assertEquals(0, attempt(a), "try " + i);
    }
    int wait = attempt(a);
    assertTrue(wait > 15 * 60 - 5, "the window began with these failures: " + wait);
  }

  @Test
  void theTableKeepsNoEmail() {
    String a = email();
    attempt(a);
    assertEquals(1, failures(a), "the attempt's row is stored under the account");
    String stored = account(a);
    assertTrue(stored.matches("[0-9a-f]{64}"), stored);
    assertEquals(
        java.util.HexFormat.of().formatHex(sha256(a.toLowerCase(java.util.Locale.ROOT))), stored);
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aSuccessfulLoginClearsTheCount() {
    String a = email();
    attempt(a);
    attempt(a);
    merchants.loginSucceeded(account(a)).await().atMost(WAIT);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, attempt(a), "try " + i);
    }
    assertTrue(attempt(a) > 0);
  }

  @Test
  void theAttemptReadsTheAccountItIsFor() {
    var known = merchants.loginAttempt("TEST@example.com", WINDOW, 3).await().atMost(WAIT);
    assertEquals(account("test@example.com"), known.account(), "as the database folds it");
    assertNotNull(known.merchant());
    assertEquals("Test Merchant", known.merchant().name());
    merchants.loginSucceeded(known.account()).await().atMost(WAIT);
    var unknown = merchants.loginAttempt(email(), WINDOW, 3).await().atMost(WAIT);
    assertNull(unknown.merchant());
  }

  @Test
  void failuresWhoseWindowHasEndedArePurged() {
    String ended = email();
    String current = email();
    attempt(ended);
    attempt(current);
    age(ended, WINDOW);
    merchants.purgeLoginFailures(WINDOW).await().atMost(WAIT);
    assertEquals(-1, failures(ended));
    assertEquals(1, failures(current));
  }
}
