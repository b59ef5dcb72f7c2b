package io.paystream.refunds.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.paystream.refunds.Api;
import io.paystream.refunds.Upstream;
import io.paystream.refunds.UpstreamTest;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.time.Timestamps;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
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
    String payment = "/api/v1/payments/pay_abcdefghijklmnop/refunds";
    return Stream.of(
        Arguments.of("POST", payment, "{\"amount\":100}"),
        Arguments.of("GET", payment, null),
        Arguments.of("GET", "/api/v1/refunds/rfnd_abcdefghijklmnop", null),
        Arguments.of("GET", "/api/v1/refunds", null),
        // Before anything else: what would be refused for its body, id or paging is not looked at.
        Arguments.of("POST", payment, "{\"amount\":"),
        Arguments.of("POST", "/api/v1/payments/order_abcdefghijklmnop/refunds", "{\"amount\":1}"),
        Arguments.of("GET", payment + "?limit=0", null),
        Arguments.of("GET", "/api/v1/refunds/not-a-refund", null),
        Arguments.of("GET", "/api/v1/refunds?offset=-1", null));
  }

  /**
   * The ways of not being the merchant: no credentials, a key or a secret alone, a wrong secret, a
   * key nobody has.
   */
  static List<RequestSpecification> refusedCredentials() {
    return List.of(
        given().contentType(ContentType.JSON),
        given().header("X-Api-Key", Upstream.TEST_KEY),
        given().header("X-Api-Secret", Upstream.TEST_SECRET),
        Api.as(Upstream.TEST_KEY, "secret_test_xyz788"),
        Api.as("key_nobody", Upstream.TEST_SECRET));
  }

  @ParameterizedTest
  @MethodSource("endpoints")
  void missingOrWrongCredentialsAre401(String method, String path, String body) {
    for (RequestSpecification refused : refusedCredentials()) {
      expect401(refused, method, path, body);
    }
  }

  @Test
  void aRefusedRefundChangesNothing() {
    PaymentView p = upstream.succeeded(10_000);
    String key = "k-" + UUID.randomUUID();
    for (RequestSpecification refused : refusedCredentials()) {
      expect401(
          refused.header("Idempotency-Key", key),
          "POST",
          Api.refundsOf(p.id()),
          Api.body(10_000, null));
    }
    assertEquals(0, refundsOf(p.id()));
    assertEquals(0, refunded(p.id()));
    // Nor was the key kept: the merchant's own request with it is new, not a replay.
    Response own =
        Api.merchant()
            .header("Idempotency-Key", key)
            .body(Api.body(10_000, null))
            .post(Api.refundsOf(p.id()));
    assertEquals(201, own.statusCode(), own.asString());
    assertNull(own.header("Idempotent-Replayed"));
  }

  @Test
  void anotherMerchantsPaymentAndRefundsAreLikeMissingOnesAndStayUnchanged() {
    PaymentView mine = upstream.succeeded(10_000);
    String refund = Api.refund(mine.id(), 500).then().statusCode(201).extract().path("id");
    UUID other = UUID.randomUUID();
    String key = "key_other_" + other;
    upstream.merchant(other, "Other Shop", key, "secret_other");
    String missingPayment = Ids.payment();
    String missingRefund = Ids.refund();

    assertSameNotFound(
        Api.as(key, "secret_other")
            .header("Idempotency-Key", "k-" + other)
            .body(Api.body(100, null))
            .post(Api.refundsOf(mine.id())),
        Api.as(key, "secret_other").body(Api.body(100, null)).post(Api.refundsOf(missingPayment)));
    assertSameNotFound(
        Api.as(key, "secret_other").get(Api.refundsOf(mine.id())),
        Api.as(key, "secret_other").get(Api.refundsOf(missingPayment)));
    assertSameNotFound(
        Api.as(key, "secret_other").get("/api/v1/refunds/" + refund),
        Api.as(key, "secret_other").get("/api/v1/refunds/" + missingRefund));
    assertSameNotFound(
        Api.as(key, "secret_other").get("/api/v1/refunds/" + refund),
        Api.merchant().get("/api/v1/refunds/" + missingRefund));
    Api.as(key, "secret_other")
        .get("/api/v1/refunds")
        .then()
        .statusCode(200)
        .body("total", equalTo(0));

    // Nothing changed: the owner's payment and refund are as they were, and no answer was stored
    // under the other's key (a refused request only releases it).
    assertEquals(1, refundsOf(mine.id()));
    assertEquals(500, refunded(mine.id()));
    Api.merchant()
        .get("/api/v1/refunds/" + refund)
        .then()
        .statusCode(200)
        .body("amount", equalTo(500))
        .body("merchant_id", equalTo(Upstream.TEST_MERCHANT.toString()));
    assertEquals(
        0,
        db.number(
            "SELECT count(*) FROM refunds.idempotency_keys WHERE merchant_id = ?"
                + " AND response_status IS NOT NULL",
            other));
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

  /** Both 404 NOT_FOUND_ERROR, and byte for byte the same answer. */
  private static void assertSameNotFound(Response theirs, Response missing) {
    assertEquals(404, theirs.statusCode(), theirs.asString());
    assertEquals("NOT_FOUND_ERROR", theirs.path("error.code"));
    assertEquals(missing.statusCode(), theirs.statusCode());
    assertEquals(missing.asString(), theirs.asString());
  }

  private long refundsOf(String paymentId) {
    return db.number("SELECT count(*) FROM refunds.refunds WHERE payment_id = ?", paymentId);
  }

  private long refunded(String paymentId) {
    return db.number("SELECT refunded FROM refunds.payments WHERE id = ?", paymentId);
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
