package io.paystream.payments;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;

/** Calls the API as the test merchant (or anyone), for the tests of this module. */
public final class Api {
  public static final String KEY = "key_test_abc123";
  public static final String SECRET = "secret_test_xyz789";

  private Api() {}

  /** A request as the test merchant. */
  public static RequestSpecification merchant() {
    return as(KEY, SECRET);
  }

  public static RequestSpecification as(String key, String secret) {
    return given()
        .header("X-Api-Key", key)
        .header("X-Api-Secret", secret)
        .contentType(ContentType.JSON);
  }

  /** Creates an order of {@code amount} and returns its id. */
  public static String order(long amount) {
    return order(merchant(), amount);
  }

  public static String order(RequestSpecification as, long amount) {
    return as.body(Map.of("amount", amount))
        .post("/api/v1/orders")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  /** A UPI payment body. */
  public static String upi(String orderId, String vpa) {
    return "{\"order_id\":\"" + orderId + "\",\"method\":\"upi\",\"vpa\":\"" + vpa + "\"}";
  }

  /** A card payment body. */
  public static String card(String orderId, String number, String month, String year, String cvv) {
    return "{\"order_id\":\""
        + orderId
        + "\",\"method\":\"card\",\"card\":{\"number\":\""
        + number
        + "\",\"expiry_month\":\""
        + month
        + "\",\"expiry_year\":\""
        + year
        + "\",\"cvv\":\""
        + cvv
        + "\",\"holder_name\":\"Asha Rao\"}}";
  }

  /** Creates a UPI payment for a new order and returns the payment id. */
  public static String payment(String vpa) {
    return merchant()
        .body(upi(order(50_000), vpa))
        .post("/api/v1/payments")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  /** Waits until the payment has the status and returns it. */
  public static JsonPath awaitStatus(String paymentId, String status) {
    JsonPath[] last = new JsonPath[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] = merchant().get("/api/v1/payments/" + paymentId).then().extract().jsonPath();
              return status.equals(last[0].getString("status"));
            });
    return last[0];
  }

  /** A freshly onboarded merchant: {@code [id, key, secret, webhookSecret]}. */
  public static String[] newMerchant() {
    JsonPath m =
        given()
            .header("X-Admin-Token", "test-admin-token")
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "name", "Other Shop",
                    "email", "shop-" + System.nanoTime() + "@example.com",
                    "password", "correct horse battery"))
            .post("/api/v1/merchants")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    return new String[] {
      m.getString("id"),
      m.getString("api_key"),
      m.getString("api_secret"),
      m.getString("webhook_secret")
    };
  }
}
