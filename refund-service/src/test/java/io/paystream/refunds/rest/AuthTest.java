package io.paystream.refunds.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.paystream.refunds.Api;
import io.paystream.refunds.Upstream;
import io.paystream.refunds.UpstreamTest;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.time.Timestamps;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Merchants authenticate against the credentials refund-service learned from merchant events;
 * missing and wrong credentials are refused alike, before anything else.
 */
@QuarkusTest
class AuthTest extends UpstreamTest {

  static Stream<Arguments> endpoints() {
    return Stream.of(
        Arguments.of("POST", "/api/v1/payments/pay_abcdefghijklmnop/refunds", "{\"amount\":100}"),
        Arguments.of("GET", "/api/v1/payments/pay_abcdefghijklmnop/refunds", null),
        Arguments.of("GET", "/api/v1/refunds/rfnd_abcdefghijklmnop", null),
        Arguments.of("GET", "/api/v1/refunds", null));
  }

  @ParameterizedTest
  @MethodSource("endpoints")
  void missingOrWrongCredentialsAre401(String method, String path, String body) {
    expect401(given().contentType(ContentType.JSON), method, path, body);
    expect401(given().header("X-Api-Key", Upstream.TEST_KEY), method, path, body);
    expect401(Api.as(Upstream.TEST_KEY, "secret_test_xyz788"), method, path, body);
    expect401(Api.as("key_nobody", Upstream.TEST_SECRET), method, path, body);
  }

  @Test
  void aRotatedSecretReplacesTheOldOneAndOlderEventsDoNotUndoIt() {
    UUID id = UUID.randomUUID();
    String key = "key_rot_" + id;
    upstream.merchant(id, "Rotating Shop", key, "secret_one");
    Api.as(key, "secret_one").get("/api/v1/refunds").then().statusCode(200);

    upstream.rotate(id, key, "secret_two", Timestamps.now().plusSeconds(1), 2L);
    // The instance that applied the event forgets the cached key right after its commit.
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> Api.as(key, "secret_one").get("/api/v1/refunds").statusCode() == 401);
    Api.as(key, "secret_two").get("/api/v1/refunds").then().statusCode(200);

    // An older rotation arriving late (redelivered, reordered) changes nothing.
    upstream.rotate(id, key, "secret_stale", Timestamps.now().minusSeconds(60), 1L);
    Api.as(key, "secret_stale").get("/api/v1/refunds").then().statusCode(401);
    Api.as(key, "secret_two").get("/api/v1/refunds").then().statusCode(200);
    // Nor does one stamped later by a clock that was ahead, or in the same second: the version
    // decides.
    upstream.rotate(id, key, "secret_ahead", Timestamps.now().plusSeconds(60), 1L);
    Api.as(key, "secret_ahead").get("/api/v1/refunds").then().statusCode(401);
    Api.as(key, "secret_two").get("/api/v1/refunds").then().statusCode(200);
    // A rotation by an instance of a release before versions, during a rolling upgrade: placed by
    // its time, so a newer one applies and an older one does not.
    upstream.rotate(id, key, "secret_unnumbered_old", Timestamps.now().minusSeconds(60), null);
    Api.as(key, "secret_two").get("/api/v1/refunds").then().statusCode(200);
    upstream.rotate(id, key, "secret_unnumbered", Timestamps.now().plusSeconds(120), null);
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> Api.as(key, "secret_unnumbered").get("/api/v1/refunds").statusCode() == 200);
    Api.as(key, "secret_two").get("/api/v1/refunds").then().statusCode(401);
  }

  @Test
  void aNewMerchantCanRefundItsOwnPayments() {
    UUID id = UUID.randomUUID();
    String key = "key_new_" + id;
    upstream.merchant(id, "New Shop", key, "secret_new");
    PaymentView p = upstream.succeeded(id, 2_000);
    Api.as(key, "secret_new")
        .body(Api.body(2_000, "damaged"))
        .post(Api.refundsOf(p.id()))
        .then()
        .statusCode(201)
        .body("merchant_id", equalTo(id.toString()));
  }

  private static void expect401(
      RequestSpecification spec, String method, String path, String body) {
    if (body != null) {
      spec = spec.body(body);
    }
    spec.request(method, path)
        .then()
        .statusCode(401)
        .contentType("application/json")
        .body("error.code", equalTo("AUTHENTICATION_ERROR"));
  }
}
