package io.paystream.payments.rest;

import static org.hamcrest.Matchers.equalTo;

import io.paystream.payments.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CaptureTest {
  @Test
  void capturesASuccessfulPaymentOnceForItsExactAmount() {
    String id = Api.payment("success@bank");
    Api.awaitStatus(id, "success");
    for (int amount : new int[] {49_999, 50_001}) {
      Api.merchant()
          .body("{\"amount\":" + amount + "}")
          .post("/api/v1/payments/" + id + "/capture")
          .then()
          .statusCode(400)
          .body("error.code", equalTo("BAD_REQUEST_ERROR"))
          .body("error.field", equalTo("amount"))
          .body("error.description", equalTo("amount must equal the payment amount of 50000"));
    }
    for (String amount : new String[] {"\"50000\"", "50000.5", "5e4"}) {
      Api.merchant()
          .body("{\"amount\":" + amount + "}")
          .post("/api/v1/payments/" + id + "/capture")
          .then()
          .statusCode(400)
          .body("error.field", equalTo("amount"))
          .body("error.description", equalTo("amount must be an integer"));
    }
    Api.merchant()
        .body("{}")
        .post("/api/v1/payments/" + id + "/capture")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("amount"));
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + id + "/capture")
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("captured", equalTo(true))
        .body("status", equalTo("success"));
    Api.merchant().get("/api/v1/payments/" + id).then().body("captured", equalTo(true));
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + id + "/capture")
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Payment not in capturable state"));
  }

  @Test
  void failedPaymentsAreNotCapturable() {
    String failed = Api.payment("failure@bank");
    Api.awaitStatus(failed, "failed");
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + failed + "/capture")
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Payment not in capturable state"));
  }

  @Test
  void unknownOrForeignPaymentIsNotFound() {
    Api.merchant()
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/pay_nope000000000000/capture")
        .then()
        .statusCode(404);
    String id = Api.payment("success@bank");
    Api.awaitStatus(id, "success");
    String[] other = Api.newMerchant();
    Api.as(other[1], other[2])
        .body("{\"amount\":50000}")
        .post("/api/v1/payments/" + id + "/capture")
        .then()
        .statusCode(404);
  }
}
