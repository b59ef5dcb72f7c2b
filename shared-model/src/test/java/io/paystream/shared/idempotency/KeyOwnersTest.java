package io.paystream.shared.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.testing.TestDatabases;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Services claiming keys at once, in batches: each key goes to exactly one service, and each key of
 * a batch gets its own answer.
 */
class KeyOwnersTest {
  private static final int REDIS_DB = 10;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Vertx vertx;
  private Redis redis;

  @BeforeEach
  void setUp() throws Exception {
    TestDatabases.flushRedis(REDIS_DB);
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestDatabases.redisUrl(REDIS_DB));
  }

  @AfterEach
  void tearDown() {
    redis.close();
    vertx.closeAndAwait();
  }

  @Test
  void keysClaimedByTwoServicesAtOnceGoEachToOne() {
    KeyOwners payments = new KeyOwners(redis, "payments", 60_000);
    KeyOwners refunds = new KeyOwners(redis, "refunds", 60_000);
    UUID merchant = UUID.randomUUID();
    int keys = 600; // more than a batch, so that batches run side by side
    List<Uni<String>> claims = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      // Half the keys are first asked for by one service, half by the other.
      KeyOwners first = i % 2 == 0 ? payments : refunds;
      KeyOwners second = first == payments ? refunds : payments;
      claims.add(outcome(first, merchant, "k" + i));
      claims.add(outcome(second, merchant, "k" + i));
    }
    List<String> outcomes =
        Uni.join().all(claims).andFailFast().await().atMost(WAIT).stream().toList();

    for (int i = 0; i < keys; i++) {
      List<String> pair = outcomes.subList(2 * i, 2 * i + 2);
      assertTrue(
          pair.equals(List.of("recorded", "refused"))
              || pair.equals(List.of("refused", "recorded")),
          "key k" + i + ": " + pair);
    }
    // The same key of another merchant is another key.
    assertEquals("recorded", outcome(refunds, UUID.randomUUID(), "k0").await().atMost(WAIT));
  }

  @Test
  void eachKeyOfABatchGetsItsOwnAnswer() {
    UUID merchant = UUID.randomUUID();
    KeyOwners refunds = new KeyOwners(redis, "refunds", 60_000);
    KeyOwners anotherReplica = new KeyOwners(redis, "payments", 60_000);
    int keys = 600;
    // Key i is held by refunds (i % 3 == 0), by another payments replica (1), or by no one (2).
    for (int i = 0; i < keys; i += 3) {
      refunds.claim(merchant, "k" + i).await().atMost(WAIT);
      anotherReplica.claim(merchant, "k" + (i + 1)).await().atMost(WAIT);
    }
    KeyOwners payments = new KeyOwners(redis, "payments", 60_000);
    List<Uni<String>> claims = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      claims.add(outcome(payments, merchant, "k" + i));
    }
    List<String> outcomes = Uni.join().all(claims).andFailFast().await().atMost(WAIT);
    for (int i = 0; i < keys; i++) {
      String expected = List.of("refused", "ours", "recorded").get(i % 3);
      assertEquals(expected, outcomes.get(i), "key k" + i);
    }
  }

  @Test
  void aServiceFindsItsOwnKeyAgainWithoutRecordingIt() {
    KeyOwners payments = new KeyOwners(redis, "payments", 60_000);
    KeyOwners anotherReplica = new KeyOwners(redis, "payments", 60_000);
    UUID merchant = UUID.randomUUID();
    assertEquals("recorded", outcome(payments, merchant, "k").await().atMost(WAIT));
    assertEquals("ours", outcome(payments, merchant, "k").await().atMost(WAIT));
    assertEquals("ours", outcome(anotherReplica, merchant, "k").await().atMost(WAIT));
    // Given up, the key is anyone's again.
    payments.release(merchant, "k").await().atMost(WAIT);
    assertEquals(
        "recorded",
        outcome(new KeyOwners(redis, "refunds", 60_000), merchant, "k").await().atMost(WAIT));
  }

  /** "recorded" (this call recorded the key), "ours" (the service held it) or "refused" (422). */
  private static Uni<String> outcome(KeyOwners owners, UUID merchant, String key) {
    return owners
        .claim(merchant, key)
        .map(recorded -> recorded ? "recorded" : "ours")
        .onFailure(ApiException.class)
        .recoverWithItem(
            failure -> {
              assertEquals(
                  ErrorCode.IDEMPOTENCY_KEY_MISMATCH, ((ApiException) failure).code(), "422");
              return "refused";
            });
  }
}
