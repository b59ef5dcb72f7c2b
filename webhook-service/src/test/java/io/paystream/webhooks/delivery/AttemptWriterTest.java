package io.paystream.webhooks.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paystream.shared.id.Ids;
import io.paystream.shared.testing.TcpProxy;
import io.paystream.shared.testing.TestDatabases;
import io.paystream.webhooks.TestInfra;
import io.paystream.webhooks.repository.DeliveryRepository;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An outcome whose write the database refused counts as waiting until it is written, also while it
 * waits to be tried again: the drain at shutdown waits for it, or its delivery would be attempted
 * again once its lease ran out. The database goes away for real: the writer reaches PostgreSQL
 * through a proxy that the test cuts and restores.
 */
@QuarkusTest
class AttemptWriterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String URL = "http://127.0.0.1:9/attempt-writer";

  @Inject Vertx vertx;
  @Inject Pool pool;
  @Inject DeliveryScheduler scheduler;
  @Inject InFlight inFlight;

  @Test
  void anOutcomeWaitingToBeTriedAgainCountsAsWaiting() throws Exception {
    UUID id = UUID.randomUUID();
    UUID token = UUID.randomUUID();
    UUID young = UUID.randomUUID();
    // A delivery in flight, leased to this instance for an hour (no claim takes it meanwhile).
    sql(
        "INSERT INTO webhooks.deliveries (id, merchant_id, endpoint_id, endpoint_url, event_id,"
            + " event_type, payload, status, attempts, run_at, lease_token, created_at,"
            + " updated_at) VALUES ($1, $2, $3, $4, $5, 'webhook.test', '{}', 'pending', 0,"
            + " now() + interval '1 hour', $6, now(), now())",
        Tuple.tuple(List.of(id, UUID.randomUUID(), UUID.randomUUID(), URL, Ids.event(), token)));
    try (TcpProxy proxy = TestDatabases.proxy()) {
      Pool throughProxy = TestDatabases.pool(vertx, proxy, TestInfra.DATABASE, 1);
      try {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AttemptWriter writer =
            new AttemptWriter(
                vertx, new DeliveryRepository(throughProxy), scheduler, inFlight, registry);
        proxy.cut();
        // Attempted by this instance, which holds the delivery until its outcome is written, here
        // under a lease half over already.
        UUID merchant = UUID.randomUUID();
        UUID endpoint = UUID.randomUUID();
        inFlight.start(id, Instant.now(), merchant, endpoint);
        inFlight.finish(merchant, endpoint);
        // One whose lease is young is not due before it ends: the claims need not be told of it.
        inFlight.start(young, Instant.now().plusSeconds(3_600), merchant, endpoint);
        inFlight.finish(merchant, endpoint);
        assertFalse(inFlight.room().held().contains(young), "a young lease keeps others off");
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        writer.write(
            new AttemptRecord(id, token, 1, at, 200, 12, "ok", null, "success", null, URL));
        // Refused at once, then again after 0.2, 0.4 and 0.8 s: waiting all along.
        long until = System.currentTimeMillis() + 1_500;
        while (System.currentTimeMillis() < until) {
          assertEquals(1, writer.waiting(), "while the database is away");
          assertTrue(inFlight.room().held().contains(id), "held while its outcome waits");
          Thread.sleep(5);
        }
        assertEquals(0, attemptsLogged(id));

        proxy.restore();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> writer.waiting() == 0);
        assertEquals(1, attemptsLogged(id));
        assertFalse(inFlight.room().held().contains(id), "let go once its outcome is written");
        assertEquals(
            1.0,
            registry
                .get("paystream.webhook.deliveries")
                .tag("outcome", "success")
                .counter()
                .count());
      } finally {
        throughProxy.closeAndAwait();
      }
    } finally {
      inFlight.settled(id);
      inFlight.settled(young);
      sql("DELETE FROM webhooks.delivery_attempts WHERE delivery_id = $1", Tuple.of(id));
      sql("DELETE FROM webhooks.deliveries WHERE id = $1", Tuple.of(id));
    }
  }

  /** Attempts of the delivery in the log, read straight from PostgreSQL. */
  private long attemptsLogged(UUID id) {
    return pool.preparedQuery(
            "SELECT count(*) FROM webhooks.delivery_attempts WHERE delivery_id = $1")
        .execute(Tuple.of(id))
        .await()
        .atMost(WAIT)
        .iterator()
        .next()
        .getLong(0);
  }

  private void sql(String sql, Tuple args) {
    pool.preparedQuery(sql).execute(args).await().atMost(WAIT);
  }
}
