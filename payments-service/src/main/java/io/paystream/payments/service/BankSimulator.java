package io.paystream.payments.service;

import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.config.PaymentsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The simulated bank: how long a payment takes and how it ends. Drawn once, when the payment is
 * accepted, so every worker that ever finishes the payment finishes it the same way.
 */
@ApplicationScoped
public class BankSimulator {
  public static final String CARD_DECLINED = "CARD_DECLINED";

  private static final String SUCCESS_CARD = "4111111111111111";
  private static final String DECLINED_CARD = "4000000000000002";

  private final PaymentsConfig.Processing config;

  public BankSimulator(PaymentsConfig config) {
    this.config = config.processing();
  }

  /** The bank's answer for an instrument. */
  public PaymentOutcome decide(PaymentRequest request) {
    PaymentOutcome forced = testInstrument(request);
    if (forced != null) {
      return forced;
    }
    boolean success;
    if (config.testMode()) {
      success = config.testSuccess();
    } else {
      double rate = request.isCard() ? config.cardSuccessRate() : config.upiSuccessRate();
      success = ThreadLocalRandom.current().nextDouble() < rate;
    }
    return success ? PaymentOutcome.SUCCESS : PaymentOutcome.bankDeclined();
  }

  /** Milliseconds until the bank answers. */
  public long delayMillis() {
    if (config.testMode()) {
      return Math.max(0, config.testDelay());
    }
    long min = config.minDelay().toMillis();
    long max = config.maxDelay().toMillis();
    return max <= min ? min : ThreadLocalRandom.current().nextLong(min, max + 1);
  }

  private static PaymentOutcome testInstrument(PaymentRequest request) {
    if (request.isCard()) {
      if (SUCCESS_CARD.equals(request.cardDigits())) {
        return PaymentOutcome.SUCCESS;
      }
      if (DECLINED_CARD.equals(request.cardDigits())) {
        return PaymentOutcome.failed(CARD_DECLINED, "Card was declined by the issuing bank");
      }
      return null;
    }
    String vpa = request.vpa();
    if (vpa.startsWith("success@")) {
      return PaymentOutcome.SUCCESS;
    }
    if (vpa.startsWith("failure@")) {
      return PaymentOutcome.bankDeclined();
    }
    return null;
  }
}
