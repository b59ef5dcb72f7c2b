package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.paystream.shared.testing.LivenessAssertions;
import io.paystream.shared.testing.MetricsAssertions;
import io.paystream.shared.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure a client can cause is the JSON error body, in our own words, never a 500. */
@QuarkusTest
class ErrorsTest {
  @Test
  void unknownPathIsJson404() {
    given()
        .get("/nope")
        .then()
        .statusCode(404)
        .contentType("application/json")
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
    given()
        .get("/api/v1/nope/deeper")
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
  }

  @Test
  void wrongMethodIsJson405() {
    assertNotAllowed("DELETE", "/api/v1/orders", "GET, HEAD, POST");
    assertNotAllowed("PUT", "/api/v1/payments/stats", "GET, HEAD");
    // A method the literal path lacks goes to the template: GET /payments/public reads the payment
    // "public" (404), so GET is one of the methods the path answers.
    assertNotAllowed("DELETE", "/api/v1/payments/public", "GET, HEAD, OPTIONS, POST");
    Api.merchant()
        .get("/api/v1/payments/public")
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
    assertNotAllowed("POST", "/api/v1/orders/order_x/public", "GET, HEAD, OPTIONS");
  }

  @Test
  void allowListsOnlyMethodsThePathAnswers() {
    // OPTIONS is answered where browsers need it (the public endpoints' preflight), and only there.
    assertNotAllowed("OPTIONS", "/api/v1/orders", "GET, HEAD, POST");
    assertNotAllowed("OPTIONS", "/api/v1/auth/login", "POST");
    Api.merchant().request("OPTIONS", "/api/v1/nope").then().statusCode(404);
    Api.merchant().request("OPTIONS", "/api/v1/payments/public").then().statusCode(204);
    Api.merchant().head("/api/v1/orders").then().statusCode(200);
  }

  private static void assertNotAllowed(String method, String path, String allow) {
    Api.merchant()
        .request(method, path)
        .then()
        .statusCode(405)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .header("Allow", equalTo(allow));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "[]", "\"text\"", "{\"amount\":1}}", "{\"amount\":01}", "nul", ""})
  void malformedBodiesAre400InOurWords(String body) {
    Api.merchant()
        .body(body)
        .post("/api/v1/orders")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.description", not(containsString("Jackson")))
        .body("error.description", not(containsString("com.fasterxml")))
        .body("error.description", not(containsString("Exception")));
  }

  @Test
  void anOverlongUtf8FormIsRefusedNotDecoded() {
    // "receipt": "\xC1\x81" would otherwise be stored as "A".
    byte[] body = "{\"amount\":100,\"receipt\":\"..\"}".getBytes(StandardCharsets.US_ASCII);
    body[body.length - 4] = (byte) 0xC1;
    body[body.length - 3] = (byte) 0x81;
    Api.merchant()
        .body(body)
        .post("/api/v1/orders")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.description", equalTo("Request body is not valid UTF-8"));
  }

  @Test
  void bodiesOverOneMegabyteAre413Json() {
    String big = "{\"amount\":100,\"receipt\":\"" + "a".repeat(1_100_000) + "\"}";
    Api.merchant()
        .body(big)
        .post("/api/v1/orders")
        .then()
        .statusCode(413)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"));
  }

  @Test
  void aBodyOverOneMegabyteSentInChunksIs413JsonToo() throws Exception {
    String big = "{\"amount\":100,\"receipt\":\"" + "a".repeat(1_100_000) + "\"}";
    HttpResponse<String> merchant =
        chunked("/api/v1/orders", big, "X-Api-Key", Api.KEY, "X-Api-Secret", Api.SECRET);
    assertEquals(413, merchant.statusCode());
    assertEquals(
        "{\"error\":{\"code\":\"BAD_REQUEST_ERROR\",\"description\":\"Request body is larger than 1"
            + " MB\"}}",
        merchant.body());
    HttpResponse<String> shopper = chunked("/api/v1/payments/public", big);
    assertEquals(413, shopper.statusCode());
    assertEquals("*", shopper.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    // Past Quarkus' own limit too it is 413, and the service answers the next request as before.
    assertEquals(
        413,
        chunked("/api/v1/orders", "{\"receipt\":\"" + "a".repeat(2_200_000) + "\"}").statusCode());
    Api.merchant().body("{\"amount\":100}").post("/api/v1/orders").then().statusCode(201);
  }

  /** A POST whose body goes in chunks, with no Content-Length to refuse it by. */
  private static HttpResponse<String> chunked(String path, String body, String... headers)
      throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theCheckoutPageCanReadA413Too() {
    String big = "{\"order_id\":\"" + "a".repeat(1_100_000) + "\"}";
    given()
        .contentType("application/json")
        .body(big)
        .post("/api/v1/payments/public")
        .then()
        .statusCode(413)
        .header("Access-Control-Allow-Origin", "*")
        .body("error.code", equalTo("BAD_REQUEST_ERROR"));
    // A merchant endpoint's refusal answers no other origin.
    Api.merchant()
        .body(big)
        .post("/api/v1/orders")
        .then()
        .statusCode(413)
        .header("Access-Control-Allow-Origin", nullValue());
  }

  @Test
  void nulInStringsIsRefused() {
    Api.merchant()
        .body("{\"order_id\":\"order_\\u0000x\",\"method\":\"upi\",\"vpa\":\"a@b\"}")
        .post("/api/v1/payments")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("order_id"));
  }

  @Test
  void wrongTypesAre400NotServerErrors() {
    Api.merchant()
        .body("{\"order_id\":5,\"method\":\"upi\",\"vpa\":\"a@b\"}")
        .post("/api/v1/payments")
        .then()
        .statusCode(400);
    Api.merchant()
        .body("{\"order_id\":\"x\",\"method\":[\"upi\"]}")
        .post("/api/v1/payments")
        .then()
        .statusCode(400);
    Api.merchant()
        .body("{\"order_id\":\"x\",\"method\":\"card\",\"card\":\"4111\"}")
        .post("/api/v1/payments")
        .then()
        .statusCode(400);
    Api.merchant()
        .body("{\"order_id\":\"x\",\"method\":\"card\",\"card\":{\"number\":4111111111111111}}")
        .post("/api/v1/payments")
        .then()
        .statusCode(400);
    Api.merchant().body("{\"amount\":1e400}").post("/api/v1/orders").then().statusCode(400);
    Api.merchant()
        .body("{\"amount\":123456789012345678901234567890}")
        .post("/api/v1/orders")
        .then()
        .statusCode(400);
  }

  @Test
  void everyResponseCarriesARequestIdAndKeepsASaneOne() {
    given()
        .header("X-Request-Id", "edge-abc-123")
        .get("/api/v1/test/merchant")
        .then()
        .header("X-Request-Id", "edge-abc-123");
    given()
        .header("X-Request-Id", "bad id with spaces")
        .get("/api/v1/test/merchant")
        .then()
        .header("X-Request-Id", org.hamcrest.Matchers.startsWith("req_"));
  }

  @Test
  void theAccessLogHasTheIdOfTheAnswerAlsoWhenTheServiceMadeIt() throws Exception {
    // Without an id of the client's: the service makes one, answers with it and logs it.
    String made =
        given()
            .get("/api/v1/test/merchant")
            .then()
            .statusCode(200)
            .extract()
            .header("X-Request-Id");
    // An answer from below the REST layer (a request target it refuses) has one too.
    String fallback =
        idOf(RawHttp.exchange(RestAssured.port, "GET /api/v1/orders/%zz HTTP/1.1\r\nHost: x\r\n"));
    String kept =
        idOf(
            RawHttp.exchange(
                RestAssured.port,
                "GET /api/v1/orders/%zz HTTP/1.1\r\nHost: x\r\nX-Request-Id: edge-fallback-1\r\n"));
    assertTrue(made.startsWith("req_"), made);
    assertTrue(fallback.startsWith("req_"), fallback);
    assertEquals("edge-fallback-1", kept);
    Path file = Path.of("target/test-service.log");
    for (String id : List.of(made, fallback, kept)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Files.readString(file).contains("request_id=" + id));
    }
  }

  @Test
  void noAnswerIsStoredByABrowserOrAProxy() throws IOException {
    given().get("/api/v1/test/merchant").then().statusCode(200).header("Cache-Control", "no-store");
    given()
        .get("/api/v1/orders/order_0000000000000000/public")
        .then()
        .statusCode(404)
        .header("Cache-Control", "no-store");
    given().get("/api/v1/payments").then().statusCode(401).header("Cache-Control", "no-store");
    // Answers from below the REST layer and Quarkus's own endpoints too.
    String refused =
        RawHttp.exchange(RestAssured.port, "GET /api/v1/orders/%zz HTTP/1.1\r\nHost: x\r\n");
    assertTrue(refused.toLowerCase().contains("cache-control: no-store"), refused);
    given()
        .get("/q/health/live")
        .then()
        .header("Cache-Control", "no-store")
        .header("X-Request-Id", org.hamcrest.Matchers.startsWith("req_"));
  }

  @Test
  void healthReportsEachDependency() throws Exception {
    given()
        .get("/health")
        .then()
        .statusCode(200)
        .body("status", equalTo("healthy"))
        .body("database", equalTo("connected"))
        .body("redis", equalTo("connected"))
        .body("worker", equalTo("running"))
        .body(
            "timestamp",
            org.hamcrest.Matchers.matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
    given().get("/q/health/ready").then().statusCode(200);
    // Liveness: the background loops still move.
    LivenessAssertions.assertLoopsLive(
        given().get("/q/health/live").then().statusCode(200).extract().asString(),
        "paystream:payment-jobs",
        "outbox-relay");
    // Kubernetes' readiness probe: only what keeps this instance from answering.
    given()
        .get("/q/health/group/serving")
        .then()
        .statusCode(200)
        .body("checks.name", org.hamcrest.Matchers.contains("test-merchant-seed"));
    given().get("/q/metrics").then().statusCode(200).body(containsString("paystream_"));
    // The loops' meters: dead letters per stream, and the outbox's oldest waiting event and
    // oldest event not acknowledged everywhere, as the heartbeat last measured them.
    Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(15))
        .until(
            () -> {
              String metrics = given().get("/q/metrics").asString();
              return metrics.matches(
                      "(?s).*\\npaystream_outbox_oldest_waiting_seconds(\\{[^}]*\\})? [0-9.E-]+\\n.*")
                  && metrics.matches(
                      "(?s).*\\npaystream_outbox_oldest_unacknowledged_seconds(\\{[^}]*\\})?"
                          + " [0-9.E-]+\\n.*");
            });
    given()
        .get("/q/metrics")
        .then()
        .body(
            containsString(
                "paystream_stream_dead_lettered_total{stream=\"paystream:payment-jobs\""));
  }

  @Test
  void everyConsumerGroupsLagIsExported() {
    MetricsAssertions.assertGroupBacklogsExported(
        RestAssured.port, "paystream:payment-jobs", "paystream:refund-events");
  }

  @Test
  void theServicesMetersSayWhatTheyCount() throws Exception {
    MetricsAssertions.assertHelp(
        RestAssured.port, "paystream_payments_finished_total", "Payments this instance finished");
    MetricsAssertions.assertHelp(
        RestAssured.port, "paystream_outbox_published_total", "Outbox rows published");
  }

  @Test
  void requestsAsLargeAsTheEdgeLetThroughReachTheApi() throws IOException {
    // The edge accepts a request line up to 16 KB and headers up to 4 x 16 KB: the service must
    // not refuse what the edge passed on (here: 401, as there is no key).
    assertRaw(
        "GET /api/v1/orders?receipt=" + "r".repeat(15_000) + " HTTP/1.1\r\nHost: x\r\n",
        401,
        "AUTHENTICATION_ERROR");
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      headers.append("X-Big-").append(i).append(": ").append("h".repeat(15_000)).append("\r\n");
    }
    assertRaw("GET /api/v1/orders HTTP/1.1\r\nHost: x\r\n" + headers, 401, "AUTHENTICATION_ERROR");
  }

  /**
   * A request target java.net.URI refuses is our 400, wherever the fault is and whatever the method
   * (Quarkus's own check would answer a bare 400 before any handler of ours).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/orders/%zz",
        "/api/v1/orders/a|b",
        "/api/v1/orders/a{b}",
        "/api/v1/orders/[x]",
        "/api/v1/orders?limit=%zz",
        "/api/v1/payments?limit=10%",
        "/api/v1/payments/pay_x/public?a=^",
        "/health%4g",
        "/q/metrics?x=<"
      })
  void requestTargetsJavaNetUriRefusesAre400InOurWords(String target) throws IOException {
    assertRaw("GET " + target + " HTTP/1.1\r\nHost: x\r\n", 400, "BAD_REQUEST_ERROR");
    assertRaw(
        "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n",
        400,
        "BAD_REQUEST_ERROR");
  }

  /**
   * A {@code ;} in a query string is refused, whoever asks: the HTTP server would split parameters
   * on it, so that {@code limit=5;offset=2} read as a limit of 5 and an offset of 2, not as the one
   * limit that is no number. Percent-encoded, it is part of the value.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/orders?limit=5;offset=2",
        "/api/v1/orders?limit=5;",
        "/api/v1/payments?offset=1&limit=3;x",
        "/api/v1/orders/order_x?;"
      })
  void aSemicolonInTheQueryIsRefused(String target) {
    for (RequestSpecification who : List.of(Api.merchant(), given())) {
      who.urlEncodingEnabled(false)
          .get(target)
          .then()
          .statusCode(400)
          .body("error.code", equalTo("BAD_REQUEST_ERROR"))
          .body(
              "error.description",
              equalTo(
                  "Query parameters are separated by & alone: a ; in a value must be"
                      + " percent-encoded (%3B)"));
    }
    Api.merchant()
        .get("/api/v1/orders?limit=5%3B")
        .then()
        .statusCode(400)
        .body("error.description", equalTo("limit must be an integer"));
  }

  /**
   * Answers given before any route matched (a refused request target, a wrong method) do not tag
   * the HTTP metrics with the path sent: one series per path would let anyone grow the metrics
   * without bound, and push out the series of real routes once the cap on them is reached.
   */
  @Test
  void refusedTargetsAndWrongMethodsDoNotTagTheMetricsWithTheirPaths() throws Exception {
    MetricsAssertions.assertSprayedPathsMakeNoSeries(RestAssured.port, "/api/v1/orders");
  }

  /** The {@code X-Request-Id} of a raw HTTP answer. */
  private static String idOf(String answer) {
    for (String line : answer.split("\r\n")) {
      if (line.toLowerCase().startsWith("x-request-id:")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    throw new AssertionError("no X-Request-Id in " + answer);
  }

  /** Sends a request no HTTP client library would send and checks the JSON error answered. */
  private static void assertRaw(String head, int status, String code) throws IOException {
    String answer = RawHttp.exchange(RestAssured.port, head);
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
    String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
    assertTrue(answer.toLowerCase().contains("content-type: application/json"), answer);
    assertEquals(code, new JsonObject(body).getJsonObject("error").getString("code"), answer);
  }
}
