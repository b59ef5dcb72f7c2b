package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every merchant endpoint refuses missing and wrong credentials alike, before anything else. */
@QuarkusTest
class AuthMatrixTest {
  static Stream<Arguments> endpoints() {
    return Stream.of(
        Arguments.of("POST", "/api/v1/orders", "{\"amount\":100}"),
        Arguments.of("GET", "/api/v1/orders", null),
        Arguments.of("GET", "/api/v1/orders/order_abcdefghijklmnop", null),
        Arguments.of(
            "POST", "/api/v1/payments", "{\"order_id\":\"x\",\"method\":\"upi\",\"vpa\":\"a@b\"}"),
        Arguments.of("GET", "/api/v1/payments", null),
        Arguments.of("GET", "/api/v1/payments/stats", null),
        Arguments.of("GET", "/api/v1/payments/stats/currencies", null),
        Arguments.of("GET", "/api/v1/payments/pay_abcdefghijklmnop", null),
        Arguments.of("POST", "/api/v1/payments/pay_abcdefghijklmnop/capture", "{\"amount\":100}"),
        Arguments.of("POST", "/api/v1/merchants/me/rotate-secret", "{}"));
  }

  @ParameterizedTest
  @MethodSource("endpoints")
  void missingCredentials(String method, String path, String body) {
    expect401(given().contentType(ContentType.JSON), method, path, body);
  }

  @ParameterizedTest
  @MethodSource("endpoints")
  void onlyTheKey(String method, String path, String body) {
    expect401(
        given().header("X-Api-Key", "key_test_abc123").contentType(ContentType.JSON),
        method,
        path,
        body);
  }

  @ParameterizedTest
  @MethodSource("endpoints")
  void wrongSecret(String method, String path, String body) {
    expect401(
        given()
            .header("X-Api-Key", "key_test_abc123")
            .header("X-Api-Secret", "secret_test_xyz788")
            .contentType(ContentType.JSON),
        method,
        path,
        body);
  }

  @ParameterizedTest
  @MethodSource("endpoints")
  void unknownKey(String method, String path, String body) {
    expect401(
        given()
            .header("X-Api-Key", "key_nobody")
            .header("X-Api-Secret", "secret_test_xyz789")
            .contentType(ContentType.JSON),
        method,
        path,
        body);
  }

  private static void expect401(
      RequestSpecification spec, String method, String path, String body) {
    if (body != null) {
      spec = spec.body(body);
    }
    spec.request(method, path)
        .then()
        .statusCode(401)
        .body("error.code", equalTo("AUTHENTICATION_ERROR"));
  }
}
