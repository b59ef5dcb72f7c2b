package io.paystream.refunds;

import java.util.UUID;

/**
 * What refund-service knows about a payment, from payment events.
 *
 * @param status {@code pending}, {@code success} or {@code failed}; it only moves forward
 * @param refunded the sum of the payment's refunds (ours, not from the events)
 */
public record ProjectedPayment(
    String id,
    UUID merchantId,
    long amount,
    String currency,
    String status,
    boolean captured,
    long refunded) {

  /** Whether the payment belongs to the merchant. */
  public boolean ownedBy(UUID merchant) {
    return merchantId.equals(merchant);
  }

  /** Whether a later payment event may still change what refunds are allowed. */
  public boolean isPending() {
    return "pending".equals(status);
  }
}
