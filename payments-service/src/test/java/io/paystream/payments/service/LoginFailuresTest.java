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

  /** Moves the account's window {@code by} into the past, as if that much time had gone by. */
  private void age(String email, Duration by) {
    pool.preparedQuery(
            "UPDATE payments.login_failures SET first_at = first_at - $2 * interval '1 second'"
                + " WHERE account = lower($1)")
        .execute(Tuple.of(email, by.toSeconds()))
        .await()
        .atMost(WAIT);
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
      merchants.loginUndone(a.toLowerCase(), 3).await().atMost(WAIT);
    }
    merchants.loginUndone(email(), 3).await().atMost(WAIT);
    assertEquals(0, attempt(a));
    assertEquals(0, attempt(a));
    // Refused attempts count no further, and taking back one that was let through frees one try.
    assertEquals(0, attempt(a));
    assertTrue(attempt(a) > 0);
    assertTrue(attempt(a) > 0);
    merchants.loginUndone(a.toLowerCase(), 3).await().atMost(WAIT);
    assertEquals(0, attempt(a));
    assertTrue(attempt(a) > 0);
  }

  @Test
  void aSuccessfulLoginClearsTheCount() {
    String a = email();
    attempt(a);
    attempt(a);
    merchants.loginSucceeded(a.toLowerCase()).await().atMost(WAIT);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, attempt(a), "try " + i);
    }
    assertTrue(attempt(a) > 0);
  }

  @Test
  void theAttemptReadsTheAccountItIsFor() {
    var known = merchants.loginAttempt("TEST@example.com", WINDOW, 3).await().atMost(WAIT);
    assertEquals("test@example.com", known.account());
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
    assertTrue(merchants.purgeLoginFailures(WINDOW).await().atMost(WAIT) >= 1);
    assertEquals(0, rows(ended));
    assertEquals(1, rows(current));
  }

  private long rows(String email) {
    return pool.preparedQuery(
            "SELECT count(*) FROM payments.login_failures WHERE account = lower($1)")
        .execute(Tuple.of(email))
        .await()
        .atMost(WAIT)
        .iterator()
        .next()
        .getLong(0);
  }
}
