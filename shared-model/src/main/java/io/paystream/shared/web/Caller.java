package io.paystream.shared.web;

import java.util.UUID;

/**
 * The merchant making an API call, and the request it came with.
 *
 * @param merchantId the authenticated merchant
 * @param requestId the request id, carried into events, deliveries and logs
 */
public record Caller(UUID merchantId, String requestId) {}
