package io.paystream.webhooks.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.repository.DeliveryLogRepository;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Finished deliveries leave the log, with their attempts, once older than the retention. */
@QuarkusTest
class RetentionTest {
  /**
   * The age the tests purge at: below the service's own retention (30 days), so that its purge,
   * which runs every minute, leaves the rows these tests age alone.
   */
  private static final Duration AGE = Duration.ofDays(10);

  @Inject RedisStreams streams;
  @Inject DeliveryLogRepository log;
  @Inject Pool pool;

  @Test
  void oldFinishedDeliveriesArePurgedRecentOnesStay() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(m, r.url("/kept"));
      pub.paymentSuccess(m.id());
      pub.paymentSuccess(m.id());
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered(m) == 2);

      // One of them finished 20 days ago.
      pool.preparedQuery(
              "UPDATE webhooks.deliveries SET updated_at = now() - interval '20 days'"
                  + " WHERE id = (SELECT id FROM webhooks.deliveries WHERE merchant_id = $1 LIMIT 1)")
          .execute(Tuple.of(m.id()))
          .await()
          .indefinitely();
      assertEquals(1L, log.purgeFinished(AGE.toMillis()).await().indefinitely());

      assertEquals(1, delivered(m));
      long orphanAttempts =
          pool.query(
                  "SELECT count(*) FROM webhooks.delivery_attempts a WHERE NOT EXISTS"
                      + " (SELECT 1 FROM webhooks.deliveries d WHERE d.id = a.delivery_id)")
              .execute()
              .await()
              .indefinitely()
              .iterator()
              .next()
              .getLong(0);
      assertEquals(0, orphanAttempts);
      assertEquals(0L, log.purgeFinished(AGE.toMillis()).await().indefinitely());
    }
  }

  @Test
  void everyOldFinishedDeliveryIsPurgedHoweverMany() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(m, r.url("/many"));
      pub.paymentSuccess(m.id());
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered(m) == 1);
      // Copies of it, finished 20 days ago: more than one purge statement deletes.
      int copies = 2 * DeliveryLogRepository.PURGE_BATCH + 500;
      pool.preparedQuery(
              "INSERT INTO webhooks.deliveries SELECT (jsonb_populate_record(d, jsonb_build_object("
                  + "'id', gen_random_uuid(), 'event_id', 'evt_copy' || i,"
                  + " 'updated_at', now() - interval '20 days'))).* FROM webhooks.deliveries d,"
                  + " generate_series(1, $2) i WHERE d.merchant_id = $1")
          .execute(Tuple.of(m.id(), copies))
          .await()
          .indefinitely();
      assertEquals((long) copies, log.purgeFinished(AGE.toMillis()).await().indefinitely());
      assertEquals(1, delivered(m));
    }
  }

  @Test
  void aDeliveryReopenedWhileThePurgeRunsIsKept() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(m, r.url("/reopened"));
      pub.paymentSuccess(m.id());
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered(m) == 1);
      UUID id = m.api().get("/api/v1/webhooks").then().extract().jsonPath().getUUID("data[0].id");
      pool.preparedQuery(
              "UPDATE webhooks.deliveries SET updated_at = now() - interval '20 days' WHERE id = $1")
          .execute(Tuple.of(id))
          .await()
          .indefinitely();
      // A manual retry reopens it and holds its row while the purge, which has already picked it,
      // waits to delete it.
      SqlConnection retry = pool.getConnection().await().indefinitely();
      try {
        retry.query("BEGIN").execute().await().indefinitely();
        retry
            .preparedQuery(
                "UPDATE webhooks.deliveries SET status = 'pending', updated_at = now()"
                    + " WHERE id = $1")
            .execute(Tuple.of(id))
            .await()
            .indefinitely();
        var purge = log.purgeFinished(AGE.toMillis()).subscribeAsCompletionStage();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    pool.query(
                                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                    + " AND query LIKE 'WITH d AS (DELETE FROM webhooks.deliveries%'")
                            .execute()
                            .await()
                            .indefinitely()
                            .iterator()
                            .next()
                            .getLong(0)
                        >= 1);
        retry.query("COMMIT").execute().await().indefinitely();
        assertEquals(0L, purge.get(10, TimeUnit.SECONDS));
      } finally {
        retry.close().await().indefinitely();
      }
      m.api().get("/api/v1/webhooks/" + id).then().statusCode(200);
    }
  }

  private static int delivered(Merchant m) {
    return m.api().get("/api/v1/webhooks?status=success").then().extract().path("total");
  }
}
