package io.paystream.payments.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.Merchant;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.time.Timestamps;

/** What merchant onboarding, login and rotation share: fields and response shapes. */
final class MerchantFields {
  private MerchantFields() {}

  /** A trimmed string field of {@code min}–{@code max} characters. */
  static String text(ObjectNode body, String field, int min, int max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.badRequest(field + " is required", field);
    }
    if (!v.isTextual() || v.textValue().isBlank()) {
      throw ApiException.badRequest(field + " must be a non-empty string", field);
    }
    String s = v.textValue().trim();
    int characters = Json.characters(s);
    if (characters < min || characters > max) {
      throw ApiException.badRequest(
          field + " must be " + min + " to " + max + " characters long", field);
    }
    return s;
  }

  /** The password exactly as given (never trimmed). */
  static String password(ObjectNode body, int min) {
    JsonNode v = body.get("password");
    if (v == null || v.isNull()) {
      throw ApiException.badRequest("password is required", "password");
    }
    int characters = v.isTextual() ? Json.characters(v.textValue()) : -1;
    if (characters < min || characters > 128) {
      throw ApiException.badRequest(
          "password must be a string of " + min + " to 128 characters", "password");
    }
    return v.textValue();
  }

  /** What other services learn of a merchant. */
  static MerchantCredentials credentials(
      Merchant m, String apiSecret, String sealedWebhookSecret, long version) {
    return new MerchantCredentials(
        m.id().toString(),
        m.name(),
        m.apiKey(),
        ApiSecrets.hash(apiSecret),
        sealedWebhookSecret,
        m.createdAt(),
        version);
  }

  /** {@code {"id","name","email","api_key","api_secret","created_at"}}. */
  static byte[] withCredentials(Merchant m, String apiSecret) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("id").value(m.id().toString()).name("name").value(m.name());
    w.name("email").value(m.email());
    w.name("api_key").value(m.apiKey()).name("api_secret").value(apiSecret);
    w.name("created_at").value(Timestamps.format(m.createdAt()));
    return w.endObject().toBytes();
  }
}
