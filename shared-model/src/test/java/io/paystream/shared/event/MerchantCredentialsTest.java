package io.paystream.shared.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MerchantCredentialsTest {
  private static final Instant T = Instant.parse("2026-01-15T10:31:00Z");

  @Test
  void credentialsRoundTripWithTheirVersion() {
    MerchantCredentials m =
        new MerchantCredentials(
            "550e8400-e29b-41d4-a716-446655440000", "Shop", "key_1", "ab12", null, T, 3L);
    JsonWriter w = new JsonWriter();
    m.writeEventData(w);
    String json = new String(w.toBytes(), StandardCharsets.UTF_8);
    assertEquals(
        "{\"merchant\":{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"name\":\"Shop\","
            + "\"api_key\":\"key_1\",\"api_secret_hash\":\"ab12\",\"webhook_secret_sealed\":null,"
            + "\"created_at\":\"2026-01-15T10:31:00Z\",\"credentials_version\":3}}",
        json);
    assertEquals(m, MerchantCredentials.fromEventData(Json.parse(json)));
  }

  @Test
  void anEventWrittenBeforeVersionsHasNone() {
    String older =
        "{\"merchant\":{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"name\":\"Shop\","
            + "\"api_key\":\"key_1\",\"api_secret_hash\":\"ab12\",\"webhook_secret_sealed\":null,"
            + "\"created_at\":\"2026-01-15T10:31:00Z\"}}";
    assertNull(MerchantCredentials.fromEventData(Json.parse(older)).credentialsVersion());
  }
}
