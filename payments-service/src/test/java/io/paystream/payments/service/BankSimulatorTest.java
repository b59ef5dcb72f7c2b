package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.config.PaymentsConfig;
import io.paystream.shared.testing.DeployedConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The simulated bank as API.md describes it: in normal mode a 5–10 s delay and success 90 % of the
 * time for UPI, 95 % for cards; in test mode the configured delay and outcome; in any mode the test
 * instruments decide.
 */
class BankSimulatorTest {
  private static final PaymentRequest UPI = upi("shopper@okbank");
  private static final PaymentRequest CARD = card("5555555555554444");

  @Test
  void testModeGivesTheConfiguredOutcomeAndDelayExceptForTestInstruments() {
    BankSimulator failing = bank(true, false, 2_500);
    assertEquals(PaymentOutcome.bankDeclined(), failing.decide(UPI));
    assertEquals("PAYMENT_FAILED", failing.decide(CARD).errorCode());
    assertEquals(PaymentOutcome.SUCCESS, failing.decide(upi("success@okbank")));
    assertEquals(PaymentOutcome.SUCCESS, failing.decide(card("4111111111111111")));
    assertEquals(2_500, failing.delayMillis());

    BankSimulator succeeding = bank(true, true, 0);
    assertEquals(PaymentOutcome.SUCCESS, succeeding.decide(UPI));
    assertEquals(PaymentOutcome.SUCCESS, succeeding.decide(CARD));
    assertEquals("PAYMENT_FAILED", succeeding.decide(upi("failure@okbank")).errorCode());
    PaymentOutcome declined = succeeding.decide(card("4000000000000002"));
    assertEquals("failed", declined.status());
    assertEquals("CARD_DECLINED", declined.errorCode());
    assertEquals(0, succeeding.delayMillis());
  }

  @Test
  void normalModeDelaysFiveToTenSeconds() {
    BankSimulator bank = bank(false, true, 1_000);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2_000; i++) {
      long d = bank.delayMillis();
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min >= 5_000 && min < 5_100, "shortest delay drawn " + min);
    assertTrue(max <= 10_000 && max > 9_900, "longest delay drawn " + max);
  }

  @Test
  void normalModeSucceedsNinetyPercentForUpiNinetyFiveForCards() {
    BankSimulator bank = bank(false, false, 1_000);
    int draws = 40_000;
    // Five standard deviations of the share are 0.0075 (UPI) and 0.0055 (cards).
    assertEquals(0.90, successShare(bank, UPI, draws), 0.0075);
    assertEquals(0.95, successShare(bank, CARD, draws), 0.0055);
    assertEquals(0.0, successShare(bank, upi("failure@okbank"), 1_000));
    assertEquals(1.0, successShare(bank, card("4111111111111111"), 1_000));
  }

  /** The defaults a deployment gets are API.md's (the tests' profile sets test mode). */
  @Test
  void theDefaultsAreTheContractsNumbers() {
    PaymentsConfig.Processing p = DeployedConfig.of(PaymentsConfig.class).processing();
    assertEquals(Duration.ofSeconds(5), p.minDelay());
    assertEquals(Duration.ofSeconds(10), p.maxDelay());
    assertEquals(0.90, p.upiSuccessRate());
    assertEquals(0.95, p.cardSuccessRate());
    assertFalse(p.testMode());
    assertEquals(1000, p.testDelay());
    assertTrue(p.testSuccess());
  }

  private static double successShare(BankSimulator bank, PaymentRequest request, int draws) {
    int success = 0;
    for (int i = 0; i < draws; i++) {
      PaymentOutcome o = bank.decide(request);
      if (o.equals(PaymentOutcome.SUCCESS)) {
        success++;
      } else {
        assertEquals(PaymentOutcome.bankDeclined(), o);
      }
    }
    return (double) success / draws;
  }

  private static PaymentRequest upi(String vpa) {
    return new PaymentRequest("order_x", "upi", vpa, null, null, null);
  }

  private static PaymentRequest card(String digits) {
    return new PaymentRequest(
        "order_x", "card", null, digits, "visa", digits.substring(digits.length() - 4));
  }

  private static BankSimulator bank(boolean testMode, boolean testSuccess, long testDelay) {
    PaymentsConfig.Processing processing =
        new PaymentsConfig.Processing() {
          @Override
          public boolean testMode() {
            return testMode;
          }

          @Override
          public long testDelay() {
            return testDelay;
          }

          @Override
          public boolean testSuccess() {
            return testSuccess;
          }

          @Override
          public Duration minDelay() {
            return Duration.ofSeconds(5);
          }

          @Override
          public Duration maxDelay() {
            return Duration.ofSeconds(10);
          }

          @Override
          public double upiSuccessRate() {
            return 0.90;
          }

          @Override
          public double cardSuccessRate() {
            return 0.95;
          }
        };
    PaymentsConfig config =
        (PaymentsConfig)
            Proxy.newProxyInstance(
                PaymentsConfig.class.getClassLoader(),
                new Class<?>[] {PaymentsConfig.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("processing")) {
                    return processing;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return new BankSimulator(config);
  }
}
