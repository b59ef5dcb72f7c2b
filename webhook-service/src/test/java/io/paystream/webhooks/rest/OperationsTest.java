package io.paystream.webhooks.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.LivenessAssertions;
import io.paystream.shared.testing.StatusAssertions;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.config.WebhooksConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health (one readiness check per loop), metrics, and the heartbeat that job status reads. */
@QuarkusTest
class OperationsTest {
  @Inject RedisStreams streams;
  @Inject WebhooksConfig config;

  @Test
  void readinessHasOneCheckPerLoop() throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body(
            "checks.name",
            hasItems(
                "payment-events-consumer",
                "refund-events-consumer",
                "merchant-events-consumer",
                "delivery-scheduler"));
    // Liveness: the background loops still move.
    LivenessAssertions.assertLoopsLive(
        given().get("/q/health/live").then().statusCode(200).extract().asString(),
        "paystream:payment-events",
        "delivery-scheduler");
    // Kubernetes' readiness probe: answering, whatever the loops and Redis say.
    given().get("/q/health/group/serving").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void metricsAndHeartbeatsCountDeliveries() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(m, r.url("/counted"));
      long before = newestCounts().completed();
      pub.paymentSuccess(m.id());
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hits("/counted").size() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> newestCounts().completed() > before);
    }
    ServiceStatus s = newest();
    assertTrue(s.workerRunning());
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("paystream_webhook_attempts_total{result=\"delivered\"}"))
        .body(containsString("paystream_webhook_deliveries_total{outcome=\"success\"}"))
        .body(
            matchesPattern(
                "(?s).*\\npaystream_webhook_attempt_latency_seconds_bucket\\{"
                    + "(le=\"5\\.0\",result=\"delivered\"|result=\"delivered\",le=\"5\\.0\")"
                    + "\\} [1-9].*"))
        .body(containsString("paystream_webhook_due_backlog"))
        .body(containsString("paystream_webhook_in_flight"))
        .body(containsString("paystream_stream_lag{stream=\"paystream:payment-events\"}"));
  }

  @Test
  void theCountsThisInstanceReportsAreNeverASecondOld() throws Exception {
    StatusAssertions.assertCountsReadEveryHalfSecond(
        streams, Streams.WEBHOOK_SERVICE, config.instanceId());
  }

  private io.paystream.shared.status.JobCounts newestCounts() {
    return newest().counts();
  }

  private ServiceStatus newest() {
    List<StreamEntry> entries =
        streams.latest(Streams.SERVICE_STATUS, 50).await().atMost(Duration.ofSeconds(5));
    for (StreamEntry e : entries) {
      ServiceStatus s = ServiceStatus.read(EventEnvelope.decode(e.payload()));
      if (Streams.WEBHOOK_SERVICE.equals(s.service()) && config.instanceId().equals(s.instance())) {
        return s;
      }
    }
    throw new AssertionError("no heartbeat from webhook-service yet");
  }

  /** Answers given before any route matched do not tag the HTTP metrics with the path sent. */
  @Test
  void refusedTargetsAndWrongMethodsDoNotTagTheMetricsWithTheirPaths() throws Exception {
    io.paystream.shared.testing.MetricsAssertions.assertSprayedPathsMakeNoSeries(
        io.restassured.RestAssured.port, "/api/v1/webhooks");
  }
}
