package io.paystream.webhooks.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * An event to be turned into one delivery per matching endpoint of its merchant.
 *
 * @param body the webhook body, serialized once: stored, signed and sent as these bytes
 * @param occurredAt when the event happened, as its producer stamped it
 */
public record NewEvent(
    String eventId,
    UUID merchantId,
    String type,
    byte[] body,
    String requestId,
    Instant occurredAt) {}
