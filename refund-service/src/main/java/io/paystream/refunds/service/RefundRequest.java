package io.paystream.refunds.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.json.JsNumber;
import io.paystream.shared.json.Json;

/**
 * A valid refund request: {@code {"amount": 1000, "reason": "Customer requested"}}. The first fault
 * is reported in the order amount, reason.
 *
 * @param amount a JSON integer greater than 0; one above {@link #MAX_AMOUNT}, the largest an order
 *     can have, exceeds what any payment has available and is refused with those words
 * @param reason an optional string of at most 255 characters
 */
public record RefundRequest(long amount, String reason) {
  /** The largest amount JavaScript clients can hold exactly. */
  public static final long MAX_AMOUNT = JsNumber.MAX_SAFE_INTEGER;

  public static final int MAX_REASON = 255;

  /**
   * Reads and checks a request body.
   *
   * @throws ApiException 400 naming the first field at fault
   */
  public static RefundRequest parse(ObjectNode body) {
    JsonNode amount = body.get("amount");
    if (amount == null || amount.isNull()) {
      throw ApiException.badRequest("amount is required", "amount");
    }
    if (!amount.isIntegralNumber()) {
      throw ApiException.badRequest("amount must be an integer greater than 0", "amount");
    }
    if (amount.canConvertToLong()
        ? amount.longValue() > MAX_AMOUNT
        : amount.bigIntegerValue().signum() > 0) {
      // No order, so no payment, is larger: the amount exceeds what any payment has available.
      throw ApiException.badRequest(RefundService.EXCEEDS, "amount");
    }
    if (!amount.canConvertToLong() || amount.longValue() <= 0) {
      throw ApiException.badRequest("amount must be an integer greater than 0", "amount");
    }
    JsonNode reason = body.get("reason");
    if (reason == null || reason.isNull()) {
      return new RefundRequest(amount.longValue(), null);
    }
    if (!reason.isTextual()) {
      throw ApiException.badRequest("reason must be a string", "reason");
    }
    if (Json.characters(reason.textValue()) > MAX_REASON) {
      throw ApiException.badRequest("reason must be at most 255 characters", "reason");
    }
    return new RefundRequest(amount.longValue(), reason.textValue());
  }
}
