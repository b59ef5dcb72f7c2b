package io.paystream.webhooks;

import java.time.Instant;

/**
 * A merchant's webhook signing secrets, sealed with the deployment's encryption key.
 *
 * @param current the secret that signs (and the only one in {@code X-Webhook-Signature}), or {@code
 *     null} before the merchant's first secret arrived
 * @param previous the secret before the last rotation, or {@code null}
 * @param previousValidUntil until when {@code previous} still signs
 * @param rotatedAt when the secret was last rotated, or {@code null}
 */
public record MerchantSecrets(
    String current, String previous, Instant previousValidUntil, Instant rotatedAt) {

  /** Whether the previous secret still signs at {@code now}. */
  public boolean previousLive(Instant now) {
    return previous != null && previousValidUntil != null && previousValidUntil.isAfter(now);
  }
}
