package io.paystream.webhooks.delivery;

import java.util.UUID;

/**
 * An event to be turned into one delivery per matching endpoint of its merchant.
 *
 * @param body the webhook body, serialized once: stored, signed and sent as these bytes
 */
public record NewEvent(
    String eventId, UUID merchantId, String type, byte[] body, String requestId) {}
