package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An instance holding payments in processing is killed with {@code kill -9}; another instance takes
 * its jobs over and finishes every payment exactly once.
 */
class WorkerFailoverIT {
  private static final String DB = "paystream_payments_it";
  private static final int REDIS_DB = 7;

  @Test
  void aKilledWorkersPaymentsAreFinishedByAnotherExactlyOnce() throws Exception {
    TestDatabases.recreate(DB, "payments");
    TestDatabases.flushRedis(REDIS_DB);
    String dbUrl = TestDatabases.databaseUrl(DB);
    String redisUrl = TestDatabases.redisUrl(REDIS_DB);
    Map<String, String> settings =
        Map.of(
            "TEST_PROCESSING_DELAY", "4000",
            "PAYSTREAM_WORKER_CLAIM_MIN_IDLE", "3s",
            "PAYSTREAM_WORKER_CLAIM_INTERVAL", "1s",
            // The sweeper must not be what saves them: this is about taking over jobs.
            "PAYSTREAM_WORKER_SWEEP_GRACE", "10m");

    List<String> payments = new ArrayList<>();
    try (ServiceProcess a = Instances.start("worker-a", dbUrl, redisUrl, settings)) {
      for (int i = 0; i < 20; i++) {
        payments.add(Instances.pay(a, i % 4 == 0 ? "failure@bank" : "success@bank"));
      }
      // Wait until instance a holds every job, waiting for the bank, then kill it.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Instances.merchant(a)
                          .get("/api/v1/test/jobs/status")
                          .then()
                          .extract()
                          .<Integer>path("queues.payments.processing")
                      == 20);
      a.kill();
      for (String id : payments) {
        assertEquals("pending", statusInDatabaseOf(dbUrl, redisUrl, id));
      }
    }

    try (ServiceProcess b = Instances.start("worker-b", dbUrl, redisUrl, settings)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> payments.stream().noneMatch(id -> "pending".equals(Instances.status(b, id))));
      for (int i = 0; i < payments.size(); i++) {
        assertEquals(i % 4 == 0 ? "failed" : "success", Instances.status(b, payments.get(i)));
      }
      // Exactly one final event per payment.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> finalEvents(redisUrl).size() >= payments.size());
      Thread.sleep(2_000);
      List<String> finals = finalEvents(redisUrl);
      for (String id : payments) {
        assertEquals(1, finals.stream().filter(id::equals).count(), "final events of " + id);
      }
    }
  }

  private static List<String> finalEvents(String redisUrl) {
    List<String> ids = new ArrayList<>();
    for (EventEnvelope e : Instances.events(redisUrl, Streams.PAYMENT_EVENTS)) {
      if (e.type() == EventType.PAYMENT_SUCCESS || e.type() == EventType.PAYMENT_FAILED) {
        ids.add(e.data().path("payment").path("id").asText());
      }
    }
    return ids;
  }

  private static String statusInDatabaseOf(String dbUrl, String redisUrl, String id)
      throws Exception {
    try (var c =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://" + TestDatabases.postgres() + "/" + DB,
                TestDatabases.user(),
                "");
        var s = c.prepareStatement("SELECT status FROM payments.payments WHERE id = ?")) {
      s.setString(1, id);
      var rs = s.executeQuery();
      rs.next();
      return rs.getString(1);
    }
  }
}
