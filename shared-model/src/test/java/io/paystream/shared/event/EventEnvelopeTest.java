package io.paystream.shared.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.json.JsonWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventEnvelopeTest {
  private static final Instant T = Instant.parse("2026-01-15T10:31:00Z");

  @Test
  void paymentEventRoundTripsThroughTheEnvelope() {
    PaymentView p =
        new PaymentView(
            "pay_abcdefghijklmnop",
            "order_abcdefghijklmnop",
            "550e8400-e29b-41d4-a716-446655440000",
            50000,
            "INR",
            "upi",
            "user@paytm",
            null,
            null,
            "pending",
            false,
            null,
            null,
            0,
            T,
            T);
    String json =
        EventEnvelope.encode(
            "evt_abcdefghijklmnop",
            EventType.PAYMENT_CREATED,
            T,
            p.merchantId(),
            "req-1",
            p::writeEventData);
    assertTrue(json.startsWith("{\"id\":\"evt_abcdefghijklmnop\",\"type\":\"payment.created\""));
    EventEnvelope e = EventEnvelope.decode(json);
    assertEquals(EventType.PAYMENT_CREATED, e.type());
    assertEquals("req-1", e.requestId());
    assertEquals(p, PaymentView.fromEventData(e.data()));
  }

  @Test
  void paymentViewWritesEveryFieldInTheDocumentedOrder() {
    PaymentView p =
        new PaymentView(
            "pay_1",
            "order_1",
            "m",
            100,
            "INR",
            "card",
            null,
            "visa",
            "1111",
            "failed",
            false,
            "CARD_DECLINED",
            "Card declined",
            0,
            T,
            T);
    assertEquals(
        "{\"id\":\"pay_1\",\"order_id\":\"order_1\",\"merchant_id\":\"m\",\"amount\":100,"
            + "\"currency\":\"INR\",\"method\":\"card\",\"vpa\":null,\"card_network\":\"visa\","
            + "\"card_last4\":\"1111\",\"status\":\"failed\",\"captured\":false,"
            + "\"error_code\":\"CARD_DECLINED\",\"error_description\":\"Card declined\","
            + "\"amount_refunded\":0,\"created_at\":\"2026-01-15T10:31:00Z\","
            + "\"updated_at\":\"2026-01-15T10:31:00Z\"}",
        p.write(new JsonWriter()).toString());
  }

  @Test
  void refusesEntriesThatAreNotEnvelopes() {
    assertThrows(IllegalArgumentException.class, () -> EventEnvelope.decode("{\"type\":\"nope\"}"));
    assertThrows(
        EventEnvelope.UnknownTypeException.class,
        () -> EventEnvelope.decode("{\"id\":\"evt_1\",\"type\":\"payment.future\"}"));
    assertThrows(IllegalArgumentException.class, () -> EventEnvelope.decode("[1]"));
    assertThrows(IllegalArgumentException.class, () -> EventEnvelope.decode("not json"));
  }
}
