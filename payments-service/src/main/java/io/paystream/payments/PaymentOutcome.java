package io.paystream.payments;

/**
 * How a payment ends.
 *
 * @param status {@code success} or {@code failed}
 * @param errorCode set when failed
 * @param errorDescription set when failed
 */
public record PaymentOutcome(String status, String errorCode, String errorDescription) {
  public static final PaymentOutcome SUCCESS = new PaymentOutcome("success", null, null);

  public static PaymentOutcome failed(String code, String description) {
    return new PaymentOutcome("failed", code, description);
  }

  /** The bank said no. */
  public static PaymentOutcome bankDeclined() {
    return failed("PAYMENT_FAILED", "Payment was declined by the bank");
  }
}
