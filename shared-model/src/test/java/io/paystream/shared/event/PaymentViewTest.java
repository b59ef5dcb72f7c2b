package io.paystream.shared.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PaymentViewTest {
  private static final Instant T = Instant.parse("2026-01-15T10:31:00Z");

  private static final PaymentView ACCEPTED =
      PaymentView.accepted(
          "pay_abcdefghijklmnop",
          "order_abcdefghijklmnop",
          "550e8400-e29b-41d4-a716-446655440000",
          0,
          null,
          "card",
          null,
          "visa",
          "1111",
          T);

  @Test
  void aPaymentAwaitingItsOrderHasSlotsWhereTheAmountAndCurrencyGo() {
    String written = ACCEPTED.writeAwaitingOrder(new JsonWriter()).toString();
    assertEquals(
        "{\"id\":\"pay_abcdefghijklmnop\",\"order_id\":\"order_abcdefghijklmnop\","
            + "\"merchant_id\":\"550e8400-e29b-41d4-a716-446655440000\",\"amount\":\u0001,"
            + "\"currency\":\u0002,\"method\":\"card\",\"vpa\":null,\"card_network\":\"visa\","
            + "\"card_last4\":\"1111\",\"status\":\"pending\",\"captured\":false,"
            + "\"error_code\":null,\"error_description\":null,\"amount_refunded\":0,"
            + "\"created_at\":\"2026-01-15T10:31:00Z\",\"updated_at\":\"2026-01-15T10:31:00Z\"}",
        written);
  }

  @Test
  void fillingTheSlotsGivesTheBytesOfThePaymentWithItsOrdersTerms() {
    String filled =
        ACCEPTED
            .writeAwaitingOrder(new JsonWriter())
            .toString()
            .replace(String.valueOf(PaymentView.AMOUNT_SLOT), "50000")
            .replace(String.valueOf(PaymentView.CURRENCY_SLOT), "\"INR\"");
    assertEquals(
        filled,
        new String(ACCEPTED.withOrderTerms(50000, "INR").toBytes(), StandardCharsets.UTF_8));

    JsonWriter event = new JsonWriter();
    ACCEPTED.writeEventDataAwaitingOrder(event);
    JsonWriter expected = new JsonWriter();
    ACCEPTED.withOrderTerms(50000, "INR").writeEventData(expected);
    assertEquals(
        expected.toString(),
        event
            .toString()
            .replace(String.valueOf(PaymentView.AMOUNT_SLOT), "50000")
            .replace(String.valueOf(PaymentView.CURRENCY_SLOT), "\"INR\""));
  }
}
