package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.status.JobCounts;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.status.StatusPublisher;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.RedisProcess;
import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import io.paystream.shared.testing.WallClock;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An instance whose wall clock runs ahead of Redis' (a virtual machine's clock drifting, NTP not
 * yet caught up), or behind it, still tells the other services' running workers from stopped ones:
 * their heartbeats are dated by their stream entries, on Redis' clock, and aged on that clock. And
 * payments are dated and finished by the database's clock, whichever instance's clock is off.
 */
class ClockStepIT {
  private static final String DB = "paystream_payments_clock_it";

  @Test
  void aClockAheadOfRedisOrBehindItTellsRunningWorkersFromStoppedOnes() throws Exception {
    TestDatabases.recreate(DB, "payments");
    Vertx vertx = Vertx.vertx();
    try (RedisProcess redis = RedisProcess.start();
        WallClock clock = WallClock.create();
        ServiceProcess app =
            Instances.start(
                "clock-ahead", TestDatabases.databaseUrl(DB), redis.url(), clock.env())) {
      Redis client = Redis.createClient(vertx, redis.url());
      RedisStreams streams = new RedisStreams(client);
      Runnable othersReport =
          () -> {
            heartbeat(streams, Streams.REFUND_SERVICE, "refunds-1", new JobCounts(3, 1, 2, 0));
            heartbeat(streams, Streams.WEBHOOK_SERVICE, "webhooks-1", new JobCounts(5, 2, 7, 1));
          };
      JsonPath before = awaitRunning(app, othersReport);
      assertEquals(1, before.getLong("queues.refunds.processing"), before.prettify());

      // Ahead by several times how long a heartbeat counts as live (3 s).
      clock.step(Duration.ofSeconds(15));
      Thread.sleep(200); // the step takes effect within 100 ms
      for (int i = 0; i < 5; i++) {
        othersReport.run();
        JsonPath s = status(app);
        assertEquals("running", s.getString("queues.refunds.worker_status"), s.prettify());
        assertEquals("running", s.getString("queues.webhooks.worker_status"), s.prettify());
        assertEquals("running", s.getString("worker_status"), s.prettify());
        assertEquals(1, s.getLong("queues.refunds.processing"), s.prettify());
        assertEquals(2, s.getLong("queues.webhooks.processing"), s.prettify());
        Thread.sleep(300);
      }

      // Now behind Redis by as much: refund-service's only instance falls silent, and its workers
      // read stopped within seconds, not once this clock has caught up with its last heartbeat.
      clock.step(Duration.ofSeconds(-30));
      Thread.sleep(200);
      await()
          .atMost(Duration.ofSeconds(8))
          .until(
              () -> {
                heartbeat(streams, Streams.WEBHOOK_SERVICE, "webhooks-1", JobCounts.ZERO);
                return "stopped".equals(status(app).getString("queues.refunds.worker_status"));
              });
      JsonPath after = status(app);
      assertEquals("stopped", after.getString("worker_status"), after.prettify());
      assertEquals("running", after.getString("queues.webhooks.worker_status"), after.prettify());
      client.close();
    } finally {
      vertx.closeAndAwait();
    }
  }

  /**
   * Two instances whose clocks differ by a minute take each other's payments and jobs: a payment is
   * dated, and finished after its bank delay (1 s in test mode), by the database's clock, whichever
   * instance accepted it and whichever took its job. By their own clocks, one the instance ahead
   * accepted would be dated a minute ahead, and wait a minute (or for the overdue sweep) on the
   * other instance, and one it took from the other would be finished at once.
   */
  @Test
  void instancesWhoseClocksDifferDateAndFinishPaymentsByTheDatabasesClock() throws Exception {
    TestDatabases.recreate(DB, "payments");
    Vertx vertx = Vertx.vertx();
    try (RedisProcess redis = RedisProcess.start();
        WallClock clock = WallClock.create()) {
      clock.step(Duration.ofSeconds(60));
      String database = TestDatabases.databaseUrl(DB);
      try (ServiceProcess right = Instances.start("clock-right", database, redis.url(), Map.of());
          ServiceProcess ahead =
              Instances.start("clock-ahead", database, redis.url(), clock.env())) {
        Set<String> payments = new HashSet<>();
        Map<String, Instant> dated = new HashMap<>();
        for (int i = 0; i < 20; i++) {
          ServiceProcess via = i % 2 == 0 ? right : ahead;
          long before = System.currentTimeMillis();
          String id = Instances.pay(via, "success@bank");
          long after = System.currentTimeMillis();
          payments.add(id);
          Instant created =
              Instant.parse(
                  Instances.merchant(right).get("/api/v1/payments/" + id).path("created_at"));
          assertTrue(
              created.toEpochMilli() >= before - 1_000 && created.toEpochMilli() <= after + 1_000,
              id + " accepted by " + via.name() + " is dated " + created);
          dated.put(id, created);
        }
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> payments.stream().allMatch(id -> "success".equals(status(right, id))));

        // Redis dates each event's entry: a payment's success comes its bank delay after its
        // acceptance (give or take the relay's milliseconds), not at once and not a minute later.
        Map<String, Long> acceptedAt = new HashMap<>();
        Map<String, Long> finishedAt = new HashMap<>();
        Redis client = Redis.createClient(vertx, redis.url());
        for (StreamEntry e :
            new RedisStreams(client)
                .latest(Streams.PAYMENT_EVENTS, 1_000)
                .await()
                .atMost(Duration.ofSeconds(10))) {
          EventEnvelope event = EventEnvelope.decode(e.payload());
          String id = event.data().path("payment").path("id").asText();
          long at = Streams.entryMillis(e.id());
          if (event.type() == EventType.PAYMENT_CREATED) {
            acceptedAt.put(id, at);
            assertEquals(
                dated.get(id).toEpochMilli(),
                event.createdAt().toEpochMilli(),
                "payment.created of " + id + " is dated as the payment");
          } else if (event.type() == EventType.PAYMENT_SUCCESS) {
            finishedAt.put(id, at);
          }
        }
        client.close();
        for (String id : payments) {
          long took = finishedAt.get(id) - acceptedAt.get(id);
          // At once would be a few ms; the publishing of either event may lag by some.
          assertTrue(took >= 500 && took < 5_000, id + " finished " + took + " ms after");
        }
      }
    } finally {
      vertx.closeAndAwait();
    }
  }

  private static String status(ServiceProcess app, String payment) {
    return Instances.merchant(app).get("/api/v1/payments/" + payment).path("status");
  }

  private static JsonPath awaitRunning(ServiceProcess app, Runnable report) {
    JsonPath[] read = new JsonPath[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              report.run();
              read[0] = status(app);
              return "running".equals(read[0].getString("worker_status"));
            });
    return read[0];
  }

  private static void heartbeat(
      RedisStreams streams, String service, String instance, JobCounts counts) {
    StatusPublisher.add(streams, new ServiceStatus(service, instance, Instant.now(), true, counts))
        .await()
        .atMost(Duration.ofSeconds(5));
  }

  private static JsonPath status(ServiceProcess app) {
    return Instances.merchant(app)
        .get("/api/v1/test/jobs/status")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }
}
