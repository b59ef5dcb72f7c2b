package io.paystream.webhooks.signing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.paystream.shared.signing.SigningSecret;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Hit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Secret rotation: during the overlap (12 s in tests, 24 h by default) both secrets sign, then only
 * the new one; {@code X-Webhook-Signature} always uses the newest.
 */
@QuarkusTest
class RotationTest {
  @Inject RedisStreams streams;
  @Inject Pool pool;

  @Test
  void bothSecretsSignDuringTheOverlapThenOnlyTheNewOne() throws Exception {
    Publisher pub = new Publisher(streams);
    String first = "whsec_test_abc123";
    Merchant m = pub.merchant(first);
    try (Receiver receiver = Receiver.start()) {
      Publisher.endpoint(m, receiver.url("/rotating"));

      JsonPath before =
          m.api()
              .get("/api/v1/webhook-secret")
              .then()
              .statusCode(200)
              .header("Cache-Control", "no-store")
              .extract()
              .jsonPath();
      assertEquals(first, before.getString("secret"));
      assertNull(before.get("rotated_at"));
      assertNull(before.get("previous_secret_valid_until"));

      JsonPath rotated =
          m.api()
              .header("Idempotency-Key", "rotate-1")
              .post("/api/v1/webhook-secret/rotate")
              .then()
              .statusCode(200)
              .header("Cache-Control", "no-store")
              .extract()
              .jsonPath();
      String second = rotated.getString("secret");
      assertTrue(second.matches("whsec_[A-Za-z0-9+/]{43}="), second);
      Instant validUntil = Instant.parse(rotated.getString("previous_secret_valid_until"));
      Instant rotatedAt = Instant.parse(rotated.getString("rotated_at"));
      assertEquals(12, Duration.between(rotatedAt, validUntil).toSeconds());
      // The same request again is the stored answer, not a second rotation.
      String replay =
          m.api()
              .header("Idempotency-Key", "rotate-1")
              .post("/api/v1/webhook-secret/rotate")
              .then()
              .statusCode(200)
              .header("Idempotent-Replayed", "true")
              .extract()
              .path("secret");
      assertEquals(second, replay);
      // The answer kept for the replay holds the new secret sealed, as the secret itself is.
      String stored =
          pool.preparedQuery(
                  "SELECT convert_from(response_body, 'UTF8') FROM webhooks.idempotency_keys"
                      + " WHERE merchant_id = $1 AND key = 'rotate-1'")
              .execute(Tuple.of(m.id()))
              .await()
              .atMost(Duration.ofSeconds(5))
              .iterator()
              .next()
              .getString(0);
      assertFalse(stored.contains(second), stored);
      assertTrue(stored.startsWith("v1."), stored);
      assertEquals(second, m.api().get("/api/v1/webhook-secret").then().extract().path("secret"));

      Hit during = deliver(pub, m, receiver, "/rotating", 1);
      String[] signatures = during.header("webhook-signature").split(" ");
      assertEquals(2, signatures.length);
      verify(second, during);
      verify(first, during);
      assertEquals(
          SigningSecret.of(second).hexSignature(during.body()),
          during.header("X-Webhook-Signature"));
      long ts = Long.parseLong(during.header("webhook-timestamp"));
      assertEquals(
          SigningSecret.of(second)
              .standardSignature(during.header("webhook-id"), ts, during.body()),
          signatures[0]);

      await()
          .atMost(Duration.ofSeconds(25))
          // Times are shown to the second: the real end of the overlap may be up to 1 s later.
          .until(() -> Instant.now().isAfter(validUntil.plusMillis(1_500)));
      assertNull(
          m.api()
              .get("/api/v1/webhook-secret")
              .then()
              .extract()
              .path("previous_secret_valid_until"));
      Hit after = deliver(pub, m, receiver, "/rotating", 2);
      assertEquals(1, after.header("webhook-signature").split(" ").length);
      verify(second, after);
      assertThrows(WebhookVerificationException.class, () -> verify(first, after));
      assertNotEquals(during.header("webhook-id"), after.header("webhook-id"));
    }
  }

  @Test
  void aSecondRotationWithinTheOverlapKeepsEverySecretSigningUntilItsOwnOverlapEnds()
      throws Exception {
    Publisher pub = new Publisher(streams);
    String first = "whsec_test_first";
    Merchant m = pub.merchant(first);
    try (Receiver receiver = Receiver.start()) {
      Publisher.endpoint(m, receiver.url("/twice"));
      String second = rotate(m, "twice-1");
      Instant firstUntil = Instant.now().plusSeconds(12);
      Thread.sleep(6_000); // the second rotation comes halfway through the first one's overlap
      String third = rotate(m, "twice-2");
      Instant secondUntil =
          Instant.parse(
              m.api()
                  .get("/api/v1/webhook-secret")
                  .then()
                  .extract()
                  .path("previous_secret_valid_until"));

      Hit all = deliver(pub, m, receiver, "/twice", 1);
      assertEquals(3, all.header("webhook-signature").split(" ").length);
      verify(third, all);
      verify(second, all);
      verify(first, all);
      assertEquals(
          SigningSecret.of(third).hexSignature(all.body()), all.header("X-Webhook-Signature"));

      // The first secret's overlap ends; the second's has 6 s left.
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> Instant.now().isAfter(firstUntil.plusMillis(1_500)));
      assertTrue(Instant.now().isBefore(secondUntil), "the second secret still signs");
      Hit later = deliver(pub, m, receiver, "/twice", 2);
      assertEquals(2, later.header("webhook-signature").split(" ").length);
      verify(third, later);
      verify(second, later);
      assertThrows(WebhookVerificationException.class, () -> verify(first, later));
    }
  }

  /** Sends one more payment event and returns the {@code n}th delivery to {@code path}. */
  private static Hit deliver(Publisher pub, Merchant m, Receiver receiver, String path, int n) {
    pub.paymentSuccess(m.id());
    await().atMost(Duration.ofSeconds(5)).until(() -> receiver.hits(path).size() == n);
    return receiver.hits(path).get(n - 1);
  }

  private static String rotate(Merchant m, String key) {
    return m.api()
        .header("Idempotency-Key", key)
        .post("/api/v1/webhook-secret/rotate")
        .then()
        .statusCode(200)
        .extract()
        .path("secret");
  }

  private static void verify(String secret, Hit hit)
      throws WebhookVerificationException, Exception {
    new Webhook(SigningSecret.standardWebhooksKey(secret))
        .verify(
            hit.bodyText(),
            Map.of(
                "webhook-id", List.of(hit.header("webhook-id")),
                "webhook-timestamp", List.of(hit.header("webhook-timestamp")),
                "webhook-signature", List.of(hit.header("webhook-signature"))));
  }
}
