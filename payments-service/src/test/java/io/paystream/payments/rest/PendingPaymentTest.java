package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.payments.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a pending payment allows and refuses, with the bank slow enough to keep it pending. */
@QuarkusTest
@TestProfile(PendingPaymentTest.SlowBank.class)
class PendingPaymentTest {
  public static class SlowBank implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "paystream.processing.test-delay", "600000", "paystream.worker.sweep-grace", "10m");
    }
  }

  @Test
  void anOrderWithAPendingPaymentTakesNoOtherAndIsAttempted() {
    String order = Api.order(1_000);
    Api.merchant()
        .body(Api.upi(order, "success@bank"))
        .post("/api/v1/payments")
        .then()
        .statusCode(201);
    Api.merchant().get("/api/v1/orders/" + order).then().body("status", equalTo("attempted"));
    Api.merchant()
        .body(Api.upi(order, "success@bank"))
        .post("/api/v1/payments")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.field", equalTo("order_id"));
    // The checkout page cannot start a second one either.
    given()
        .contentType(ContentType.JSON)
        .body(Api.upi(order, "success@bank"))
        .post("/api/v1/payments/public")
        .then()
        .statusCode(400);
  }

  @Test
  void aPendingPaymentIsNotCapturable() {
    String pending = Api.payment("success@bank");
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + pending + "/capture")
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Payment not in capturable state"));
    assertEquals(
        "pending",
        Api.merchant().get("/api/v1/payments/" + pending).then().extract().path("status"));
  }

  @Test
  void jobStatusCountsItAsPendingOrProcessing() {
    Api.payment("success@bank");
    var jobs = given().get("/api/v1/test/jobs/status").then().statusCode(200).extract().jsonPath();
    assertEquals(
        true,
        jobs.getLong("queues.payments.pending") + jobs.getLong("queues.payments.processing") >= 1);
  }
}
