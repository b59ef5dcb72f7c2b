package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An instance holding payments in processing is killed with {@code kill -9}; another instance takes
 * its jobs over and finishes every payment exactly once.
 */
class WorkerFailoverIT {
  private static final String DB = "paystream_payments_it";
  private static final int REDIS_DB = 7;

  private final String dbUrl = TestDatabases.databaseUrl(DB);
  private final String redisUrl = TestDatabases.redisUrl(REDIS_DB);

  @BeforeEach
  void freshDatabaseAndRedis() throws Exception {
    TestDatabases.recreate(DB, "payments");
    TestDatabases.flushRedis(REDIS_DB);
  }

  /**
   * Test mode with this bank delay and take-over idle time; claim rounds every second, and the
   * sweeper out of the way: these tests are about taking over jobs.
   */
  private static Map<String, String> settings(String delayMillis, String claimMinIdle) {
    return Map.of(
        "TEST_PROCESSING_DELAY",
        delayMillis,
        "PAYSTREAM_WORKER_CLAIM_MIN_IDLE",
        claimMinIdle,
        "PAYSTREAM_WORKER_CLAIM_INTERVAL",
        "1s",
        "PAYSTREAM_WORKER_SWEEP_GRACE",
        "10m");
  }

  @Test
  void aKilledWorkersPaymentsAreFinishedByAnotherExactlyOnce() throws Exception {
    // The bank answers 20 s after acceptance: long enough for all twenty to be accepted and held
    // by instance a at once, even on a busy machine.
    Map<String, String> settings = settings("20000", "3s");

    List<String> payments = new ArrayList<>();
    long allDueBy;
    try (ServiceProcess a = Instances.start("worker-a", dbUrl, redisUrl, settings)) {
      for (int i = 0; i < 20; i++) {
        payments.add(Instances.pay(a, i % 4 == 0 ? "failure@bank" : "success@bank"));
      }
      allDueBy = System.currentTimeMillis() + 20_000;
      // Wait until instance a holds every job, waiting for the bank, then kill it.
      awaitProcessing(a, 20);
      a.kill();
      for (String id : payments) {
        assertEquals("pending", Instances.statusInDatabase(DB, id));
      }
    }

    try (ServiceProcess b = Instances.start("worker-b", dbUrl, redisUrl, settings)) {
      long readyAt = System.currentTimeMillis();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> payments.stream().noneMatch(id -> "pending".equals(Instances.status(b, id))));
      // Taken over once idle for the configured 3 s (claim rounds every second), not for some
      // longer default: finished soon after they fell due, or after b was ready if that was later.
      long late = System.currentTimeMillis() - Math.max(allDueBy, readyAt);
      assertTrue(late < 8_000, "finished " + late + " ms after they were due and b was ready");
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

  /**
   * An instance stopped gracefully (a rollout, a scale-down) hands the jobs it holds back at once:
   * another instance finishes them at their due time, not after the take-over's idle time.
   */
  @Test
  void aStoppedWorkersJobsAreTakenOverAtOnce() throws Exception {
    Map<String, String> settings = settings("15000", "120s");
    List<String> payments = new ArrayList<>();
    ServiceProcess b = null;
    try {
      long stoppedAt;
      try (ServiceProcess a = Instances.start("worker-a", dbUrl, redisUrl, settings)) {
        for (int i = 0; i < 10; i++) {
          payments.add(Instances.pay(a, "success@bank"));
        }
        awaitProcessing(a, 10);
        b = Instances.start("worker-b", dbUrl, redisUrl, settings); // a holds every job
        stoppedAt = System.currentTimeMillis();
      } // SIGTERM; a's shutdown is waited for
      ServiceProcess taker = b;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  payments.stream().noneMatch(id -> "pending".equals(Instances.status(taker, id))));
      long finishedAfter = System.currentTimeMillis() - stoppedAt;
      assertTrue(
          finishedAfter < 30_000,
          "finished " + finishedAfter + " ms after the stop; a take-over waits 120 s");
      for (String id : payments) {
        assertEquals("success", Instances.status(taker, id));
      }
    } finally {
      if (b != null) {
        b.close();
      }
    }
  }

  /** Waits until {@code p} holds {@code n} jobs, waiting for the bank. */
  private static void awaitProcessing(ServiceProcess p, int n) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Instances.merchant(p)
                        .get("/api/v1/test/jobs/status")
                        .then()
                        .extract()
                        .<Integer>path("queues.payments.processing")
                    == n);
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
}
