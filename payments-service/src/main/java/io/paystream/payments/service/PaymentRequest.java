package io.paystream.payments.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.json.Json;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * A validated payment request. The full card number is kept only in memory, long enough to pick the
 * network and the test-card outcome; it is never stored, logged or returned.
 *
 * @param orderId the order to pay
 * @param method {@code upi} or {@code card}
 * @param vpa the UPI address (UPI only)
 * @param cardDigits the card number's digits (card only; never persisted)
 * @param cardNetwork the card network (card only)
 * @param cardLast4 the last four digits (card only)
 */
public record PaymentRequest(
    String orderId,
    String method,
    String vpa,
    String cardDigits,
    String cardNetwork,
    String cardLast4) {

  private static final Pattern VPA = Pattern.compile("^[a-zA-Z0-9._-]+@[a-zA-Z0-9]+$");
  private static final Pattern CVV = Pattern.compile("\\d{3,4}");
  private static final Pattern MONTH = Pattern.compile("\\d{1,2}");

  public boolean isCard() {
    return "card".equals(method);
  }

  /** Validates a request body; the first fault found is reported. */
  public static PaymentRequest parse(ObjectNode body, YearMonth now) {
    String orderId = requiredString(body, "order_id");
    String method = requiredString(body, "method");
    if ("upi".equals(method)) {
      return new PaymentRequest(orderId, method, vpa(body), null, null, null);
    }
    if (!"card".equals(method)) {
      throw ApiException.badRequest("method must be upi or card", "method");
    }
    JsonNode card = body.get("card");
    if (card == null || card.isNull()) {
      throw ApiException.badRequest("card is required for card payments", "card");
    }
    if (!card.isObject()) {
      throw ApiException.badRequest("card must be an object", "card");
    }
    String digits = CardRules.digits(cardString(card, "number"));
    if (!CardRules.isValidNumber(digits)) {
      throw new ApiException(ErrorCode.INVALID_CARD, "Card number is invalid", "card.number");
    }
    int month = cardNumber(card, "expiry_month");
    if (month < 1 || month > 12) {
      throw ApiException.badRequest("expiry_month must be 1 to 12", "card.expiry_month");
    }
    int year = CardRules.fullYear(expiryText(card, "expiry_year").trim());
    if (year < 0) {
      throw ApiException.badRequest("expiry_year must have 2 or 4 digits", "card.expiry_year");
    }
    if (CardRules.isExpired(month, year, now)) {
      // The part in the past: the year, or within this year the month.
      String field = year < now.getYear() ? "card.expiry_year" : "card.expiry_month";
      throw new ApiException(ErrorCode.EXPIRED_CARD, "Card has expired", field);
    }
    String cvv = cardString(card, "cvv");
    if (!CVV.matcher(cvv).matches()) {
      throw ApiException.badRequest("cvv must be 3 or 4 digits", "card.cvv");
    }
    JsonNode holder = card.get("holder_name");
    if (holder != null
        && !holder.isNull()
        && (!holder.isTextual() || Json.characters(holder.textValue()) > 100)) {
      throw ApiException.badRequest(
          "holder_name must be a string of at most 100 characters", "card.holder_name");
    }
    return new PaymentRequest(
        orderId,
        method,
        null,
        digits,
        CardRules.network(digits),
        digits.substring(digits.length() - 4));
  }

  /** The current month in UTC, against which expiry is checked. */
  public static YearMonth currentMonth() {
    return YearMonth.now(ZoneOffset.UTC);
  }

  private static String vpa(ObjectNode body) {
    JsonNode v = body.get("vpa");
    if (v == null || v.isNull()) {
      throw ApiException.badRequest("vpa is required for UPI payments", "vpa");
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest("vpa must be a string", "vpa");
    }
    if (v.textValue().length() > 255 || !VPA.matcher(v.textValue()).matches()) {
      throw new ApiException(ErrorCode.INVALID_VPA, "VPA is invalid", "vpa");
    }
    return v.textValue();
  }

  private static String requiredString(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.badRequest(field + " is required", field);
    }
    if (!v.isTextual() || v.textValue().isEmpty()) {
      throw ApiException.badRequest(field + " must be a non-empty string", field);
    }
    return v.textValue();
  }

  private static String cardString(JsonNode card, String field) {
    JsonNode v = card.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.badRequest(field + " is required", "card." + field);
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(field + " must be a string", "card." + field);
    }
    return v.textValue();
  }

  private static int cardNumber(JsonNode card, String field) {
    String text = expiryText(card, field).trim();
    return MONTH.matcher(text).matches() ? Integer.parseInt(text) : -1;
  }

  /** An expiry month or year: a string, or a JSON integer taken as its digits. */
  private static String expiryText(JsonNode card, String field) {
    JsonNode v = card.get(field);
    if (v != null && v.isIntegralNumber()) {
      return v.asText();
    }
    if (v != null && !v.isNull() && !v.isTextual()) {
      throw ApiException.badRequest(field + " must be a string or an integer", "card." + field);
    }
    return cardString(card, field);
  }

  @Override
  public String toString() {
    // Never print the card number, not even by accident in a log line.
    return "PaymentRequest[orderId="
        + orderId
        + ", method="
        + method
        + ", cardLast4="
        + cardLast4
        + "]";
  }
}
