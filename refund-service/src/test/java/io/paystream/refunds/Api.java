package io.paystream.refunds;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.function.Supplier;

/** Calls the API as the test merchant (or anyone), for the tests of this module. */
public final class Api {
  private Api() {}

  /** A request as the test merchant. */
  public static RequestSpecification merchant() {
    return as(Upstream.TEST_KEY, Upstream.TEST_SECRET);
  }

  /** A request as the test merchant to a service instance at {@code baseUri}. */
  public static RequestSpecification merchantAt(String baseUri) {
    return merchant().baseUri(baseUri);
  }

  public static RequestSpecification as(String key, String secret) {
    return given()
        .header("X-Api-Key", key)
        .header("X-Api-Secret", secret)
        .contentType(ContentType.JSON);
  }

  /** {@code {"amount": amount, "reason": reason}} (without reason when it is null). */
  public static String body(long amount, String reason) {
    return reason == null
        ? "{\"amount\":" + amount + "}"
        : "{\"amount\":" + amount + ",\"reason\":\"" + reason + "\"}";
  }

  /** Asks for a refund as the test merchant. */
  public static Response refund(String paymentId, long amount) {
    return merchant().body(body(amount, null)).post(refundsOf(paymentId));
  }

  public static String refundsOf(String paymentId) {
    return "/api/v1/payments/" + paymentId + "/refunds";
  }

  /** Waits until the refund has the status and returns it. */
  public static JsonPath awaitStatus(String refundId, String status) {
    return awaitStatus(Api::merchant, refundId, status, Duration.ofSeconds(15));
  }

  /**
   * Waits, for at most {@code atMost}, until the refund read from the instance at {@code baseUri}
   * has the status, and returns it.
   */
  public static JsonPath awaitStatusAt(
      String baseUri, String refundId, String status, Duration atMost) {
    return awaitStatus(() -> merchantAt(baseUri), refundId, status, atMost);
  }

  private static JsonPath awaitStatus(
      Supplier<RequestSpecification> as, String refundId, String status, Duration atMost) {
    JsonPath[] last = new JsonPath[1];
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] = as.get().get("/api/v1/refunds/" + refundId).then().extract().jsonPath();
              return status.equals(last[0].getString("status"));
            });
    return last[0];
  }
}
