package io.paystream.webhooks.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route of the API refuses missing and wrong credentials alike (401, before anything else is
 * done), and a route naming another merchant's endpoint or delivery answers as for one that does
 * not exist (404) and changes nothing.
 */
@QuarkusTest
class AuthMatrixTest {
  private static final String ENDPOINT = "/api/v1/webhook-endpoints/{endpoint}";
  private static final String DELIVERY = "/api/v1/webhooks/{delivery}";

  /** A change to every field an endpoint has. */
  private static final String CHANGE =
      "{\"url\":\"http://127.0.0.1:9/intruder\",\"events\":[\"payment.failed\"],\"enabled\":false}";

  @Inject RedisStreams streams;

  static Stream<Arguments> routes() {
    return Stream.of(
        Arguments.of("POST", "/api/v1/webhook-endpoints", CHANGE),
        Arguments.of("GET", "/api/v1/webhook-endpoints", null),
        Arguments.of("GET", ENDPOINT, null),
        Arguments.of("PATCH", ENDPOINT, CHANGE),
        Arguments.of("DELETE", ENDPOINT, null),
        Arguments.of("POST", ENDPOINT + "/test", null),
        Arguments.of("GET", "/api/v1/webhook-secret", null),
        Arguments.of("POST", "/api/v1/webhook-secret/rotate", null),
        Arguments.of("GET", "/api/v1/webhooks", null),
        Arguments.of("GET", DELIVERY, null),
        Arguments.of("POST", DELIVERY + "/retry", null));
  }

  /** The routes that name an endpoint or a delivery. */
  static Stream<Arguments> idRoutes() {
    return routes().filter(a -> ((String) a.get()[1]).contains("{"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("routes")
  void missingOrWrongCredentialsAre401AndChangeNothing(String method, String path, String body)
      throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Owned owned = Owned.of(m, r);
      String before = owned.state();
      String target = owned.path(path);
      expect401(given(), method, target, body);
      expect401(given().header("X-Api-Key", m.apiKey()), method, target, body);
      expect401(
          given().header("X-Api-Key", m.apiKey()).header("X-Api-Secret", m.apiSecret() + "x"),
          method,
          target,
          body);
      expect401(
          given()
              .header("X-Api-Key", "key_nobody_" + UUID.randomUUID())
              .header("X-Api-Secret", m.apiSecret()),
          method,
          target,
          body);
      assertEquals(before, owned.state(), method + " " + path + " changed something");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("idRoutes")
  void anotherMerchantsIdIsAnswered404AsAMissingOneAndChangesNothing(
      String method, String path, String body) throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    Merchant other = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Owned owned = Owned.of(m, r);
      String before = owned.state();
      Response answer = send(other.api(), method, owned.path(path), body);
      assertEquals(404, answer.statusCode(), answer.asString());
      assertEquals("NOT_FOUND_ERROR", answer.path("error.code"));
      // Indistinguishable from an id that names nothing at all.
      String nothing = UUID.randomUUID().toString();
      Response missing =
          send(
              other.api(),
              method,
              path.replace("{endpoint}", nothing).replace("{delivery}", nothing),
              body);
      assertEquals(404, missing.statusCode(), missing.asString());
      assertEquals(missing.asString(), answer.asString());

      assertEquals(before, owned.state(), method + " " + path + " by another merchant changed it");
      // Nor did the other merchant gain anything of it.
      other.api().get("/api/v1/webhook-endpoints").then().statusCode(200).body("total", equalTo(0));
      other.api().get("/api/v1/webhooks").then().statusCode(200).body("total", equalTo(0));
    }
  }

  /**
   * A merchant's endpoint (at {@code receiver}) and a delivery to it that is over (its test event,
   * delivered), so that nothing changes them but a request.
   */
  private record Owned(Merchant m, Receiver receiver, String endpoint, String delivery) {
    static Owned of(Merchant m, Receiver receiver) {
      String endpoint = Publisher.endpoint(m, receiver.url("/owned"));
      String delivery = Publisher.testEvent(m, endpoint);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> "success".equals(m.api().get("/api/v1/webhooks/" + delivery).path("status")));
      return new Owned(m, receiver, endpoint, delivery);
    }

    String path(String template) {
      return template.replace("{endpoint}", endpoint).replace("{delivery}", delivery);
    }

    /** All the merchant has, and what its endpoint received. */
    String state() {
      return m.holdings(null, delivery) + "\nreceived: " + receiver.total();
    }
  }

  private static Response send(RequestSpecification spec, String method, String path, String body) {
    if (body != null) {
      spec = spec.body(body);
    }
    return spec.request(method, path);
  }

  private static void expect401(
      RequestSpecification spec, String method, String path, String body) {
    send(spec.contentType(ContentType.JSON), method, path, body)
        .then()
        .statusCode(401)
        .contentType(ContentType.JSON)
        .body("error", aMapWithSize(2))
        .body("error.code", equalTo("AUTHENTICATION_ERROR"))
        .body("error.description", not(emptyOrNullString()));
  }
}
