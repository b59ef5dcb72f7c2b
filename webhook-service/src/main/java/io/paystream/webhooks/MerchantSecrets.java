package io.paystream.webhooks;

import java.time.Instant;
import java.util.List;

/**
 * A merchant's webhook signing secrets, sealed with the deployment's encryption key.
 *
 * @param current the secret that signs (and the only one in {@code X-Webhook-Signature}), or {@code
 *     null} before the merchant's first secret arrived
 * @param retired the secrets rotations replaced, newest first, each signing until its overlap ends
 *     (the first is the one before the last rotation)
 * @param rotatedAt when the secret was last rotated, or {@code null}
 */
public record MerchantSecrets(String current, List<Retired> retired, Instant rotatedAt) {

  /** A replaced secret and the end of its overlap. */
  public record Retired(String sealed, Instant validUntil) {
    /** Whether it still signs at {@code now}. */
    public boolean live(Instant now) {
      return sealed != null && validUntil != null && validUntil.isAfter(now);
    }
  }

  /**
   * The secret before the last rotation, while it still signs at {@code now}; else {@code null}.
   */
  public Retired previousLive(Instant now) {
    return retired.isEmpty() || !retired.get(0).live(now) ? null : retired.get(0);
  }
}
