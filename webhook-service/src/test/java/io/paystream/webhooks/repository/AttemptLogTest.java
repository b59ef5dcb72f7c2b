package io.paystream.webhooks.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.id.Ids;
import io.paystream.webhooks.delivery.AttemptRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The attempt log has one row per attempt made, however many times its outcome is written. */
@QuarkusTest
class AttemptLogTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String URL = "http://127.0.0.1:9/attempt-log";

  @Inject Pool pool;
  @Inject DeliveryRepository deliveries;

  @Test
  void anOutcomeWrittenAgainAfterItsReplyWasLostIsLoggedOnce() {
    UUID id = UUID.randomUUID();
    UUID token = UUID.randomUUID();
    // A delivery in flight, leased to this instance for an hour (no claim takes it meanwhile).
    pool.preparedQuery(
            "INSERT INTO webhooks.deliveries (id, merchant_id, endpoint_id, endpoint_url,"
                + " event_id, event_type, payload, status, attempts, run_at, lease_token,"
                + " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'webhook.test', '{}',"
                + " 'pending', 0, now() + interval '1 hour', $6, now(), now())")
        .execute(
            Tuple.tuple(List.of(id, UUID.randomUUID(), UUID.randomUUID(), URL, Ids.event(), token)))
        .await()
        .atMost(WAIT);
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    AttemptRecord failed =
        new AttemptRecord(
            id, token, 1, at, 500, 12, "oops", null, "pending", at.plusSeconds(60), URL);
    try {
      assertEquals(Set.of(id), deliveries.finish(List.of(failed)).await().atMost(WAIT).applied());
      // Written again, as the writer does when the database's reply did not arrive.
      assertEquals(Set.of(), deliveries.finish(List.of(failed)).await().atMost(WAIT).applied());
      assertEquals(
          1L, count("SELECT count(*) FROM webhooks.delivery_attempts WHERE delivery_id = $1", id));
      assertEquals(
          1L,
          count(
              "SELECT attempts FROM webhooks.deliveries WHERE id = $1 AND lease_token IS NULL",
              id));
    } finally {
      pool.preparedQuery("DELETE FROM webhooks.delivery_attempts WHERE delivery_id = $1")
          .execute(Tuple.of(id))
          .await()
          .atMost(WAIT);
      pool.preparedQuery("DELETE FROM webhooks.deliveries WHERE id = $1")
          .execute(Tuple.of(id))
          .await()
          .atMost(WAIT);
    }
  }

  private long count(String sql, UUID id) {
    return pool.preparedQuery(sql)
        .execute(Tuple.of(id))
        .await()
        .atMost(WAIT)
        .iterator()
        .next()
        .getLong(0);
  }
}
