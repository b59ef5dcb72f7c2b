package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WebhookBodyTest {
  @Test
  void eventTimestampAndDataInThatOrderAsCompactCanonicalJson() {
    String data =
        "{\"payment\":{\"id\":\"pay_1\",\"amount\":1.50,\"big\":12345678901234567890,"
            + "\"text\":\"a\\u2028b \\u00e9 \\ud83d\\ude00\",\"n\":null}}";
    byte[] body =
        WebhookBody.of("payment.success", Instant.ofEpochSecond(1705315870), Json.parse(data));
    assertEquals(
        "{\"event\":\"payment.success\",\"timestamp\":1705315870,\"data\":{\"payment\":"
            + "{\"id\":\"pay_1\",\"amount\":1.5,\"big\":12345678901234567000,"
            + "\"text\":\"a\u2028b é 😀\",\"n\":null}}}",
        new String(body, StandardCharsets.UTF_8));
  }

  @Test
  void aTestEventNamesItsEndpoint() {
    UUID id = UUID.fromString("6f1c1c2e-8d4b-4a37-9d0e-0c0b6a9f5e11");
    assertEquals(
        "{\"event\":\"webhook.test\",\"timestamp\":1705315870,\"data\":{\"test\":true,"
            + "\"endpoint_id\":\"6f1c1c2e-8d4b-4a37-9d0e-0c0b6a9f5e11\"}}",
        new String(
            WebhookBody.test(Instant.ofEpochSecond(1705315870), id), StandardCharsets.UTF_8));
  }
}
