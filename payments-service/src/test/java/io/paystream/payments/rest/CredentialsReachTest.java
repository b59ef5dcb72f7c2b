package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Metrics;
import io.paystream.shared.stream.Streams;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operators see how onboarding's wait for the other services ended, in the metrics. */
@QuarkusTest
class CredentialsReachTest {
  private static final String IDLE_GROUP = "reader-that-never-reads";

  @Inject Redis redis;

  @Test
  void eachWaitIsCountedAsReachedOrAsHavingReachedTheLimit() {
    double reached = count("reached");
    double limit = count("limit");

    // No reader holds the credentials back: the wait ends as reached.
    onboard();
    assertEquals(reached + 1, count("reached"));
    assertEquals(limit, count("limit"));

    // A group that never reads holds the answer until the limit (2 s), and is counted as such.
    send(
        Request.cmd(Command.XGROUP)
            .arg("CREATE")
            .arg(Streams.MERCHANT_EVENTS)
            .arg(IDLE_GROUP)
            .arg("$")
            .arg("MKSTREAM"));
    try {
      long start = System.nanoTime();
      onboard();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(Duration.ofMillis(1900)) >= 0, "answered after " + took);
      assertEquals(limit + 1, count("limit"));
      assertEquals(reached + 1, count("reached"));
    } finally {
      send(Request.cmd(Command.XGROUP).arg("DESTROY").arg(Streams.MERCHANT_EVENTS).arg(IDLE_GROUP));
    }
  }

  private static void onboard() {
    given()
        .header("X-Admin-Token", "test-admin-token")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "name",
                "Shop",
                "email",
                "reach-" + System.nanoTime() + "@example.com",
                "password",
                "long enough pw"))
        .post("/api/v1/merchants")
        .then()
        .statusCode(201);
  }

  /** The number of waits with {@code outcome} so far, as {@code /q/metrics} shows it. */
  private static double count(String outcome) {
    return Metrics.value("paystream_credentials_reach_wait_seconds_count", "outcome", outcome);
  }

  private void send(Request request) {
    redis.send(request).await().atMost(Duration.ofSeconds(5));
  }
}
