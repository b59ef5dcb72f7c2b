package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Failed logins per account: a few per window, whatever the case of the email, then a wait. */
class LoginThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(15), now::get);

  @Test
  void anAccountIsRefusedAfterItsFailuresUntilTheWindowEnds() {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, throttle.waitSeconds("a@shop.example"), "attempt " + i);
      throttle.failed(i == 1 ? "A@Shop.Example" : "a@shop.example");
    }
    assertEquals(15 * 60, throttle.waitSeconds("a@shop.example"));
    assertEquals(0, throttle.waitSeconds("b@shop.example"), "other accounts are not affected");

    now.addAndGet(Duration.ofMinutes(10).toNanos());
    assertEquals(5 * 60, throttle.waitSeconds("A@SHOP.EXAMPLE"));
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertEquals(0, throttle.waitSeconds("a@shop.example"), "the window has ended");

    // A new window starts with the next failure.
    throttle.failed("a@shop.example");
    assertEquals(0, throttle.waitSeconds("a@shop.example"));
  }

  @Test
  void aSuccessfulLoginClearsTheCount() {
    throttle.failed("a@shop.example");
    throttle.failed("a@shop.example");
    throttle.succeeded("a@shop.example");
    throttle.failed("a@shop.example");
    throttle.failed("a@shop.example");
    assertEquals(0, throttle.waitSeconds("a@shop.example"));
    throttle.failed("a@shop.example");
    assertEquals(15 * 60, throttle.waitSeconds("a@shop.example"));
  }
}
