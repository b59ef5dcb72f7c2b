package io.paystream.webhooks.delivery;

import io.paystream.webhooks.MerchantSecrets;
import java.time.Instant;
import java.util.UUID;

/**
 * A delivery this instance holds the lease on and is about to attempt.
 *
 * @param leaseToken what the attempt's result must present to be applied
 * @param startBy the latest time the attempt may start under that lease ({@code Lease#startBy})
 * @param url where the endpoint is now
 * @param refusal why it is not to be sent (its endpoint was deleted or disabled, or no longer takes
 *     its event since), or {@code null}
 * @param payload the exact body
 * @param attemptsBefore attempts made since creation or the last manual retry
 * @param secrets the merchant's signing secrets, sealed
 */
public record DueDelivery(
    UUID id,
    UUID leaseToken,
    Instant startBy,
    UUID merchantId,
    UUID endpointId,
    String url,
    String refusal,
    String eventId,
    String eventType,
    byte[] payload,
    int attemptsBefore,
    String requestId,
    MerchantSecrets secrets) {}
