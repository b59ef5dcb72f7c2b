package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Logins per account: a few failed ones per window, whatever the case of the email, then a wait;
 * each login counts as failed from the moment it is let through.
 */
class LoginThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(15), now::get);

  @Test
  void anAccountIsRefusedAfterItsTriesUntilTheWindowEnds() {
    assertEquals(0, throttle.attempt("a@shop.example"));
    assertEquals(0, throttle.attempt("A@Shop.Example"));
    assertEquals(0, throttle.attempt("a@shop.example"));
    // Three let through and none has succeeded (yet): the fourth waits, however soon it comes.
    assertEquals(15 * 60, throttle.attempt("a@shop.example"));
    assertEquals(0, throttle.attempt("b@shop.example"), "other accounts are not affected");

    now.addAndGet(Duration.ofMinutes(10).toNanos());
    assertEquals(5 * 60, throttle.attempt("A@SHOP.EXAMPLE"));
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertEquals(0, throttle.attempt("a@shop.example"), "the window has ended: a new one starts");
    assertEquals(0, throttle.attempt("a@shop.example"));
    assertEquals(0, throttle.attempt("a@shop.example"));
    assertEquals(15 * 60, throttle.attempt("a@shop.example"));
  }

  @Test
  void aLoginWithoutAVerdictOnItsPasswordIsTakenBack() {
    for (int i = 0; i < 10; i++) {
      assertEquals(0, throttle.attempt("a@shop.example"), "try " + i);
      throttle.undo("A@shop.example");
    }
    throttle.undo("nobody@shop.example");
    assertEquals(0, throttle.attempt("a@shop.example"));
    assertEquals(0, throttle.attempt("a@shop.example"));
    assertEquals(0, throttle.attempt("a@shop.example"));
    assertEquals(15 * 60, throttle.attempt("a@shop.example"));
  }

  @Test
  void aSuccessfulLoginClearsTheCount() {
    throttle.attempt("a@shop.example");
    throttle.attempt("a@shop.example");
    throttle.succeeded("a@shop.example");
    for (int i = 0; i < 3; i++) {
      assertEquals(0, throttle.attempt("a@shop.example"), "try " + i);
    }
    assertEquals(15 * 60, throttle.attempt("a@shop.example"));
  }
}
