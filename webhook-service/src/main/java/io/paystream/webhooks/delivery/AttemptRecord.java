package io.paystream.webhooks.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * An attempt's outcome and what it does to its delivery, ready to be written.
 *
 * @param leaseToken the lease it was made under; the delivery changes only while that lease holds
 * @param status the delivery's status after it
 * @param nextRetryAt when the next attempt is due, or {@code null} when there is none
 */
public record AttemptRecord(
    UUID deliveryId,
    UUID leaseToken,
    int attempt,
    Instant attemptedAt,
    Integer responseCode,
    int latencyMs,
    String responseBody,
    String error,
    String status,
    Instant nextRetryAt,
    String url) {}
