package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ApiException;
import io.quarkus.elytron.security.common.BcryptUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Password checks run a few at a time, a few more wait, and the rest are refused at once. */
class PasswordChecksTest {
  private static final String HASH = BcryptUtil.bcryptHash("correct horse");

  @Test
  void aFloodIsCutToWhatRunsAndWhatWaits() throws Exception {
    PasswordChecks checks = new PasswordChecks(1, 2);
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // Each check takes tens of milliseconds: all ten arrive while the first one runs.
      all.add(
          checks.matches(i == 0 ? "correct horse" : "wrong", HASH).subscribeAsCompletionStage());
    }
    assertNull(checks.reserve(), "one running, two waiting: no place is left");
    int answered = 0;
    int refused = 0;
    for (CompletableFuture<Boolean> f : all) {
      try {
        f.get(30, TimeUnit.SECONDS);
        answered++;
      } catch (java.util.concurrent.ExecutionException e) {
        ApiException refusal = (ApiException) e.getCause();
        assertEquals(429, refusal.status());
        refused++;
      }
    }
    assertEquals(3, answered, "one running and two waiting are answered");
    assertEquals(7, refused);
    assertTrue(all.get(0).get(), "the right password still matches");
    // Once the flood has passed, checks run again.
    PasswordChecks.Place place = checks.reserve();
    assertNotNull(place, "places are free again");
    place.release();
    assertTrue(
        checks.matches("correct horse", HASH).await().atMost(java.time.Duration.ofSeconds(30)));
  }

  @Test
  void aReservedPlaceIsKeptForItsCheckAndGivenBackOnce() throws Exception {
    PasswordChecks checks = new PasswordChecks(1, 1);
    PasswordChecks.Place first = checks.reserve();
    PasswordChecks.Place second = checks.reserve();
    assertNotNull(first);
    assertNotNull(second);
    assertNull(checks.reserve(), "both places are reserved");
    // A check without a place is refused while the places are reserved...
    var refused =
        assertThrows(
            ApiException.class,
            () -> checks.matches("wrong", HASH).await().atMost(java.time.Duration.ofSeconds(30)));
    assertEquals(429, refused.status());
    // ...and the reserved ones are made, one running and one waiting.
    CompletableFuture<Boolean> a =
        first.matches("correct horse", HASH).subscribeAsCompletionStage();
    CompletableFuture<Boolean> b = second.matches("wrong", HASH).subscribeAsCompletionStage();
    assertTrue(a.get(30, TimeUnit.SECONDS));
    assertFalse(b.get(30, TimeUnit.SECONDS));
    // Giving back a place its check took changes nothing; a place given back twice counts once.
    first.release();
    PasswordChecks.Place third = checks.reserve();
    PasswordChecks.Place fourth = checks.reserve();
    assertNotNull(third);
    assertNotNull(fourth);
    third.release();
    third.release();
    assertNotNull(checks.reserve());
    assertNull(checks.reserve(), "one place was given back, once");
  }

  @Test
  void everyByteOfALongPasswordCounts() {
    // bcrypt itself reads 72 bytes: both of these would match a plain bcrypt hash of either.
    String passphrase = "correct horse battery staple ".repeat(3) + "and then some";
    String sameFirst72 = passphrase.substring(0, 72) + "something else entirely";
    assertTrue(passphrase.length() > 72);
    assertTrue(BcryptUtil.matches(sameFirst72, BcryptUtil.bcryptHash(passphrase)));

    String stored = PasswordChecks.hashNow(passphrase);
    assertTrue(stored.startsWith("bcrypt-sha256$$2"), stored);
    assertTrue(PasswordChecks.matchesNow(passphrase, stored));
    assertFalse(PasswordChecks.matchesNow(sameFirst72, stored));
    assertFalse(PasswordChecks.matchesNow(passphrase.substring(0, 72), stored));
    // Four-byte characters: 18 of them fill bcrypt's 72 bytes.
    String emoji = "\uD83D\uDE00".repeat(18);
    String stored2 = PasswordChecks.hashNow(emoji + "a");
    assertFalse(PasswordChecks.matchesNow(emoji + "b", stored2));
    assertTrue(PasswordChecks.matchesNow(emoji + "a", stored2));
  }

  @Test
  void aPasswordBcryptReadsWholeIsStoredAsPlainBcrypt() {
    // What a release without the digest form checks too (a rolling update, a rollback).
    String stored = PasswordChecks.hashNow("x".repeat(72));
    assertTrue(stored.startsWith("$2"), stored);
    assertTrue(BcryptUtil.matches("x".repeat(72), stored));
    assertTrue(PasswordChecks.matchesNow("x".repeat(72), stored));
    assertFalse(PasswordChecks.matchesNow("x".repeat(71) + "y", stored));
    assertTrue(PasswordChecks.hashNow("x".repeat(73)).startsWith("bcrypt-sha256$"));
  }

  @Test
  void aHashStoredAsPlainBcryptStillMatches() {
    assertTrue(PasswordChecks.matchesNow("correct horse", HASH));
    assertFalse(PasswordChecks.matchesNow("correct horsf", HASH));
    // Merchants onboarded before the digest form have hashes like this one.
    assertTrue(HASH.startsWith("$2"));
  }
}
