package io.paystream.refunds.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.refunds.Api;
import io.paystream.refunds.UpstreamTest;
import io.paystream.shared.event.PaymentView;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure a client can cause is the JSON error body, in our own words, never a 500. */
@QuarkusTest
class ErrorsTest extends UpstreamTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}                                  | amount | amount is required",
        "{\"amount\":null}                   | amount | amount is required",
        "{\"amount\":\"1000\"}               | amount | amount must be an integer greater than 0",
        "{\"amount\":100.5}                  | amount | amount must be an integer greater than 0",
        "{\"amount\":1e3}                    | amount | amount must be an integer greater than 0",
        "{\"amount\":true}                   | amount | amount must be an integer greater than 0",
        "{\"amount\":0}                      | amount | amount must be an integer greater than 0",
        "{\"amount\":-5}                     | amount | amount must be an integer greater than 0",
        "{\"amount\":9007199254740992}       | amount | Refund amount exceeds available amount",
        "{\"amount\":99999999999999999999999} | amount | Refund amount exceeds available amount",
        "{\"amount\":-99999999999999999999} | amount | amount must be an integer greater than 0",
        "{\"amount\":10,\"reason\":5}        | reason | reason must be a string",
        "{\"amount\":10,\"reason\":{}}       | reason | reason must be a string",
        "{\"amount\":\"x\",\"reason\":5}     | amount | amount must be an integer greater than 0",
      })
  void invalidRequestsAre400NamingTheFirstFieldAtFault(String body, String field, String words) {
    PaymentView p = upstream.succeeded(10_000);
    Api.merchant()
        .body(body)
        .post(Api.refundsOf(p.id()))
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.field", equalTo(field))
        .body("error.description", equalTo(words));
    assertEquals(0, db.number("SELECT count(*) FROM refunds.refunds WHERE payment_id = ?", p.id()));
  }

  @Test
  void aReasonOverTheLimitIs400() {
    PaymentView p = upstream.succeeded(10_000);
    Api.merchant()
        .body(Api.body(10, "r".repeat(256)))
        .post(Api.refundsOf(p.id()))
        .then()
        .statusCode(400)
        .body("error.field", equalTo("reason"));
    Api.merchant()
        .body(Api.body(10, "r".repeat(255)))
        .post(Api.refundsOf(p.id()))
        .then()
        .statusCode(201);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "[]", "\"text\"", "{\"amount\":1}}", "{\"amount\":01}", "nul", ""})
  void malformedBodiesAre400InOurWords(String body) {
    PaymentView p = upstream.succeeded(10_000);
    Api.merchant()
        .body(body)
        .post(Api.refundsOf(p.id()))
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.field", nullValue())
        .body("error.description", not(containsString("Jackson")))
        .body("error.description", not(containsString("com.fasterxml")))
        .body("error.description", not(containsString("Exception")));
  }

  @Test
  void nulCharactersAreRefused() {
    PaymentView p = upstream.succeeded(10_000);
    Api.merchant()
        .body("{\"amount\":10,\"reason\":\"a\\u0000b\"}")
        .post(Api.refundsOf(p.id()))
        .then()
        .statusCode(400)
        .body("error.field", equalTo("reason"));
  }

  @Test
  void unknownPathsAndMethodsAreJson() {
    given()
        .get("/nope")
        .then()
        .statusCode(404)
        .contentType("application/json")
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
    Api.merchant()
        .delete("/api/v1/refunds")
        .then()
        .statusCode(405)
        .contentType("application/json")
        .body("error.code", equalTo("BAD_REQUEST_ERROR"));
    Api.merchant().put("/api/v1/payments/pay_abcdefghijklmnop/refunds").then().statusCode(405);
    // OPTIONS is no exception: the framework's own empty 200 would claim a method nothing serves.
    Api.merchant()
        .options("/api/v1/refunds")
        .then()
        .statusCode(405)
        .contentType("application/json")
        .header("Allow", equalTo("GET, HEAD"))
        .header("Cache-Control", equalTo("no-store"))
        .body("error.code", equalTo("BAD_REQUEST_ERROR"));
  }

  @Test
  void bodiesOverOneMegabyteAre413Json() {
    String big = "{\"amount\":100,\"reason\":\"" + "a".repeat(1_100_000) + "\"}";
    Api.merchant()
        .body(big)
        .post(Api.refundsOf("pay_abcdefghijklmnop"))
        .then()
        .statusCode(413)
        .contentType("application/json")
        .body("error.code", equalTo("BAD_REQUEST_ERROR"));
  }

  /** Answers given before any route matched do not tag the HTTP metrics with the path sent. */
  @Test
  void refusedTargetsAndWrongMethodsDoNotTagTheMetricsWithTheirPaths() throws Exception {
    io.paystream.shared.testing.MetricsAssertions.assertSprayedPathsMakeNoSeries(
        io.restassured.RestAssured.port, "/api/v1/refunds");
  }
}
