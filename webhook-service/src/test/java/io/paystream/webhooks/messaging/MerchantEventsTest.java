package io.paystream.webhooks.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.event.EventType;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Merchant events keep credentials current and bring each merchant's first signing secret. */
@QuarkusTest
class MerchantEventsTest {
  private static final SecretBox BOX = SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);

  @Inject RedisStreams streams;

  @Test
  void credentialsFollowTheNewestEventAndTheFirstSecretIsNeverReplaced() {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    Instant created = Timestamps.now();

    // A replay of merchant.created with another secret changes nothing.
    pub.announce(m, EventType.MERCHANT_CREATED, BOX.seal("whsec_other"), created);
    // The API secret is rotated: the old one stops working, the new one works.
    Merchant rotated = new Merchant(m.id(), m.apiKey(), "secret_test_rotated", m.webhookSecret());
    pub.announce(rotated, EventType.MERCHANT_CREDENTIALS_ROTATED, null, created.plusSeconds(5));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rotated.api().get("/api/v1/webhook-secret").statusCode() == 200);
    m.api().get("/api/v1/webhook-secret").then().statusCode(401);
    // An older event arriving late does not bring the old secret back.
    pub.announceHandled(m, EventType.MERCHANT_CREDENTIALS_ROTATED, created.plusSeconds(1), null);
    rotated.api().get("/api/v1/webhook-secret").then().statusCode(200);
    m.api().get("/api/v1/webhook-secret").then().statusCode(401);
    assertEquals(
        "whsec_test_abc123",
        rotated.api().get("/api/v1/webhook-secret").then().extract().path("secret"));

    // With versions, the version decides: a rotation of a lower version stamped later (by a
    // clock that was ahead, or in the same second) does not undo a higher one.
    Merchant second = new Merchant(m.id(), m.apiKey(), "secret_test_second", m.webhookSecret());
    Merchant first = new Merchant(m.id(), m.apiKey(), "secret_test_first", m.webhookSecret());
    Instant at = created.plusSeconds(10);
    pub.announce(second, EventType.MERCHANT_CREDENTIALS_ROTATED, null, at, 2L);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.api().get("/api/v1/webhook-secret").statusCode() == 200);
    pub.announceHandled(first, EventType.MERCHANT_CREDENTIALS_ROTATED, at.plusSeconds(60), 1L);
    first.api().get("/api/v1/webhook-secret").then().statusCode(401);
    second.api().get("/api/v1/webhook-secret").then().statusCode(200);

    // A rotation by an instance of a release before versions, during a rolling upgrade: placed by
    // its time, so an older one does not apply and a newer one does.
    Merchant older = new Merchant(m.id(), m.apiKey(), "secret_test_older", m.webhookSecret());
    pub.announceHandled(older, EventType.MERCHANT_CREDENTIALS_ROTATED, at.minusSeconds(1), null);
    older.api().get("/api/v1/webhook-secret").then().statusCode(401);
    Merchant newer = new Merchant(m.id(), m.apiKey(), "secret_test_newer", m.webhookSecret());
    pub.announceHandled(newer, EventType.MERCHANT_CREDENTIALS_ROTATED, at.plusSeconds(120), null);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> newer.api().get("/api/v1/webhook-secret").statusCode() == 200);
    second.api().get("/api/v1/webhook-secret").then().statusCode(401);
  }

  @Test
  void aSecretSealedUnderAnotherKeyIsNotUsedAndGarbageIsDeadLettered() {
    Publisher pub = new Publisher(streams);
    pub.add(Streams.MERCHANT_EVENTS, "not an envelope");
    byte[] otherKey = new byte[32];
    otherKey[0] = 7;
    SecretBox other = SecretBox.fromBase64Key(Base64.getEncoder().encodeToString(otherKey));
    Merchant m = pub.merchant("whsec_test_abc123");
    Merchant foreign =
        new Merchant(
            java.util.UUID.randomUUID(), "key_test_foreign" + System.nanoTime(), "s3cret", "x");
    pub.announce(
        foreign, EventType.MERCHANT_CREATED, other.seal("whsec_foreign"), Timestamps.now());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> foreign.api().get("/api/v1/webhook-endpoints").statusCode() == 200);
    foreign.api().get("/api/v1/webhook-secret").then().statusCode(404);
    m.api().get("/api/v1/webhook-secret").then().statusCode(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !streams
                    .latest(Streams.deadLetters(Streams.MERCHANT_EVENTS), 10)
                    .await()
                    .indefinitely()
                    .isEmpty());
    given().get("/api/v1/webhook-secret").then().statusCode(401);
  }
}
