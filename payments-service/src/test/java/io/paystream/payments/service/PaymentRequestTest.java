package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.json.Json;
import java.time.YearMonth;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PaymentRequestTest {
  private static final YearMonth NOW = YearMonth.of(2026, 6);

  @ParameterizedTest
  @CsvSource({
    "5, 2026, card.expiry_month",
    "1, 26, card.expiry_month",
    "12, 2025, card.expiry_year",
    "7, 25, card.expiry_year",
  })
  void anExpiredCardNamesThePartInThePast(int month, String year, String field) {
    ApiException e =
        assertThrows(ApiException.class, () -> PaymentRequest.parse(card(month, year), NOW));
    assertEquals(ErrorCode.EXPIRED_CARD, e.code());
    assertEquals(field, e.field());
  }

  @ParameterizedTest
  @CsvSource({"6, 2026", "6, 26", "1, 2027"})
  void aCardIsValidThroughItsExpiryMonth(int month, String year) {
    assertEquals("card", PaymentRequest.parse(card(month, year), NOW).method());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"0\"", "\"00\"", "0", "\"13\"", "13"})
  void aMonthOutside1To12IsRefusedNamingTheMonth(String month) {
    ObjectNode body =
        (ObjectNode)
            Json.parse(
                ("{\"order_id\":\"order_1\",\"method\":\"card\",\"card\":{\"number\":"
                        + "\"4111111111111111\",\"expiry_month\":%s,\"expiry_year\":\"2030\","
                        + "\"cvv\":\"123\"}}")
                    .formatted(month));
    ApiException e = assertThrows(ApiException.class, () -> PaymentRequest.parse(body, NOW));
    assertEquals(ErrorCode.BAD_REQUEST_ERROR, e.code());
    assertEquals("card.expiry_month", e.field());
    assertEquals("expiry_month must be 1 to 12", e.description());
  }

  private static ObjectNode card(int month, String year) {
    return (ObjectNode)
        Json.parse(
            ("{\"order_id\":\"order_1\",\"method\":\"card\",\"card\":{\"number\":\"4111111111111111\","
                    + "\"expiry_month\":%d,\"expiry_year\":\"%s\",\"cvv\":\"123\"}}")
                .formatted(month, year));
  }
}
