package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.RedisProcess;
import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis hangs, then goes down while payments are accepted, and comes back empty: payments are still
 * accepted (they only need PostgreSQL), the instance stays ready for traffic, and once Redis
 * returns every event of every payment is published and every payment is finished.
 */
class RedisOutageIT {
  private static final String DB = "paystream_payments_outage_it";

  @Test
  void noEventIsLostWhileRedisIsDownOrAfterItComesBackEmpty() throws Exception {
    TestDatabases.recreate(DB, "payments");
    try (RedisProcess redis = RedisProcess.start();
        ServiceProcess app =
            Instances.start(
                "outage",
                TestDatabases.databaseUrl(DB),
                redis.url(),
                Map.of("TEST_PROCESSING_DELAY", "500"))) {
      List<String> payments = new ArrayList<>();
      payments.add(Instances.pay(app, "success@bank"));
      Instances.merchant(app).get("/api/v1/payments/" + payments.get(0)); // credentials cached

      redis.freeze();
      try {
        // A Redis that takes connections but answers nothing: the status answers 503 at once.
        long start = System.nanoTime();
        HttpResponse<String> status =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/v1/test/jobs/status"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(503, status.statusCode(), status.body());
        assertEquals("5", status.headers().firstValue("Retry-After").orElse(null));
        assertTrue(status.body().contains("\"SERVICE_UNAVAILABLE\""), status.body());
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "answered after " + took);
      } finally {
        redis.thaw();
      }

      redis.stop();
      for (int i = 0; i < 10; i++) {
        payments.add(Instances.pay(app, "success@bank")); // still 201: nothing needs Redis here
      }
      var health = Instances.merchant(app).get("/health");
      assertEquals(503, health.statusCode());
      assertEquals("disconnected", health.path("redis"));
      assertEquals("5", health.header("Retry-After"));
      // Readiness for traffic (Kubernetes' probe) stays up: this instance still takes payments.
      // The full readiness report tells Redis is gone.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Instances.merchant(app).get("/q/health/ready").statusCode() == 503);
      assertEquals(200, Instances.merchant(app).get("/q/health/group/serving").statusCode());

      redis.startAgain(); // empty: no persistence
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> payments.stream().allMatch(id -> "success".equals(Instances.status(app, id))));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  payments.stream()
                      .allMatch(
                          id ->
                              Instances.eventTypesOf(redis.url(), id)
                                  .containsAll(Instances.LIFECYCLE)));
      assertTrue(
          Instances.eventTypesOf(redis.url(), payments.get(0)).containsAll(Instances.LIFECYCLE),
          "events from before the outage re-driven");
    }
  }
}
