package io.paystream.shared.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import java.time.Instant;

/**
 * What other services learn about a merchant from merchant events: enough to authenticate its API
 * calls and to sign its webhooks, never a secret in clear.
 *
 * @param id the merchant id
 * @param name the merchant's name
 * @param apiKey the public API key
 * @param apiSecretHash hex SHA-256 of the API secret (see {@code ApiSecrets})
 * @param webhookSecretSealed the first webhook signing secret, sealed with the deployment's
 *     encryption key ({@code SecretBox}); {@code null} on events that do not carry it
 * @param createdAt when the merchant was created
 * @param credentialsVersion how many times the credentials were replaced before these: 0 at
 *     creation, one more with each rotation. Projections keep the highest, whatever order events
 *     arrive in and whatever the clocks of the instances that wrote them say. {@code null} on an
 *     event written by a release before versions (during a rolling upgrade, say): such an event is
 *     placed by its time alone
 */
public record MerchantCredentials(
    String id,
    String name,
    String apiKey,
    String apiSecretHash,
    String webhookSecretSealed,
    Instant createdAt,
    Long credentialsVersion) {

  /** Writes {@code {"merchant":{…}}}, the data of merchant events. */
  public void writeEventData(JsonWriter w) {
    w.beginObject().name("merchant").beginObject();
    w.name("id").value(id).name("name").value(name).name("api_key").value(apiKey);
    w.name("api_secret_hash").value(apiSecretHash);
    w.name("webhook_secret_sealed").value(webhookSecretSealed);
    w.name("created_at").value(Timestamps.format(createdAt));
    w.name("credentials_version").value(credentialsVersion);
    w.endObject().endObject();
  }

  /** Reads the merchant out of a merchant event's data. */
  public static MerchantCredentials fromEventData(JsonNode data) {
    JsonNode n = data.path("merchant");
    return new MerchantCredentials(
        Json.text(n, "id"),
        Json.text(n, "name"),
        Json.text(n, "api_key"),
        Json.text(n, "api_secret_hash"),
        Json.text(n, "webhook_secret_sealed"),
        Timestamps.parse(Json.text(n, "created_at")),
        n.hasNonNull("credentials_version") ? n.get("credentials_version").asLong() : null);
  }
}
