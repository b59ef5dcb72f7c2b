package io.paystream.refunds.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.paystream.refunds.Api;
import io.paystream.refunds.UpstreamTest;
import io.paystream.shared.testing.LivenessAssertions;
import io.paystream.shared.testing.MetricsAssertions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Health (live, ready, {@code /health}) and metrics, as payments-service serves them. */
@QuarkusTest
class HealthTest extends UpstreamTest {
  @Test
  void readyWhenConsumersAndRelayRun() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
    given()
        .get("/q/health/ready")
        .then()
        .body("status", equalTo("UP"))
        .body("checks.name", hasItems("stream-consumers", "outbox-relay"));
    // Liveness: the background loops still move.
    LivenessAssertions.assertLoopsLive(
        given().get("/q/health/live").then().statusCode(200).extract().asString(),
        "paystream:refund-jobs",
        "outbox-relay");
    // Kubernetes' readiness probe: answering, whatever the loops and Redis say.
    given().get("/q/health/group/serving").then().statusCode(200).body("status", equalTo("UP"));
    given()
        .get("/health")
        .then()
        .statusCode(200)
        .body("status", equalTo("healthy"))
        .body("database", equalTo("connected"))
        .body("redis", equalTo("connected"))
        .body("worker", equalTo("running"));
  }

  @Test
  void metricsCountRefundOutcomes() {
    String payment = upstream.succeeded(1_000).id();
    Api.refund(payment, 1_000).then().statusCode(201);
    Api.refund(payment, 1).then().statusCode(400);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("paystream_refunds_requests_total{outcome=\"created\"}"))
        .body(containsString("paystream_refunds_requests_total{outcome=\"exceeds\"}"))
        .body(containsString("paystream_worker_in_flight"))
        .body(
            containsString("paystream_stream_handled_total{stream=\"paystream:payment-events\"}"));
  }

  @Test
  void everyConsumerGroupsLagIsExported() {
    MetricsAssertions.assertGroupBacklogsExported(
        RestAssured.port,
        "paystream:payment-events",
        "paystream:merchant-events",
        "paystream:refund-jobs");
  }

  @Test
  void theServicesMetersSayWhatTheyCount() throws Exception {
    MetricsAssertions.assertHelp(
        RestAssured.port, "paystream_refunds_requests_total", "Refund requests answered");
    MetricsAssertions.assertHelp(
        RestAssured.port, "paystream_refunds_processed_total", "Refunds this instance processed");
    MetricsAssertions.assertHelp(
        RestAssured.port, "paystream_outbox_published_total", "Outbox rows published");
  }
}
