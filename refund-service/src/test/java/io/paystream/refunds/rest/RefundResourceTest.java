package io.paystream.refunds.rest;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.refunds.Api;
import io.paystream.refunds.Upstream;
import io.paystream.refunds.UpstreamTest;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.time.Timestamps;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The refund endpoints as API.md describes them: shapes, processing, rules, lists. */
@QuarkusTest
class RefundResourceTest extends UpstreamTest {
  private static final Set<String> FIELDS =
      Set.of(
          "id",
          "payment_id",
          "merchant_id",
          "amount",
          "reason",
          "status",
          "created_at",
          "processed_at");

  @Test
  void createAnswers201PendingWithEveryFieldThenProcessesIt() {
    PaymentView p = upstream.succeeded(50_000);
    Response created =
        Api.merchant()
            .body("{\"amount\":1000,\"reason\":\"Customer requested\"}")
            .post(Api.refundsOf(p.id()));
    assertEquals(201, created.statusCode(), created.asString());
    JsonPath r = created.jsonPath();
    assertEquals(FIELDS, r.getMap("$").keySet());
    assertTrue(r.getString("id").matches("rfnd_[A-Za-z0-9]{16}"));
    assertEquals(p.id(), r.getString("payment_id"));
    assertEquals(Upstream.TEST_MERCHANT.toString(), r.getString("merchant_id"));
    assertEquals(1000, r.getInt("amount"));
    assertEquals("Customer requested", r.getString("reason"));
    assertEquals("pending", r.getString("status"));
    assertTrue(r.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
    assertNull(r.get("processed_at"));
    assertTrue(created.asString().contains("\"processed_at\":null"));

    JsonPath done = Api.awaitStatus(r.getString("id"), "processed");
    assertEquals(FIELDS, done.getMap("$").keySet());
    Instant processedAt = Timestamps.parse(done.getString("processed_at"));
    assertTrue(!processedAt.isBefore(Timestamps.parse(r.getString("created_at"))));
    assertEquals(r.getString("created_at"), done.getString("created_at"));
    assertEquals(1000, done.getInt("amount"));
  }

  @Test
  void unknownFieldsAreIgnored() {
    PaymentView p = upstream.succeeded(5_000);
    Api.merchant()
        .body("{\"amount\":100,\"speed\":\"optimum\",\"notes\":{\"a\":[1,null]},\"reason\":\"r\"}")
        .post(Api.refundsOf(p.id()))
        .then()
        .statusCode(201)
        .body("amount", equalTo(100))
        .body("reason", equalTo("r"))
        .body("status", equalTo("pending"));
  }

  @Test
  void reasonIsOptional() {
    PaymentView p = upstream.succeeded(5_000);
    Api.refund(p.id(), 100)
        .then()
        .statusCode(201)
        .header("Cache-Control", "no-store")
        .body("reason", nullValue());
  }

  @Test
  void aReasonIsCountedInCharactersNotUtf16Units() {
    PaymentView p = upstream.succeeded(5_000);
    String emoji = "\uD83D\uDCE6"; // one character, two UTF-16 units
    String path = "/api/v1/payments/" + p.id() + "/refunds";
    Api.merchant()
        .body(Api.body(100, emoji.repeat(255)))
        .post(path)
        .then()
        .statusCode(201)
        .body("reason", equalTo(emoji.repeat(255)));
    Api.merchant()
        .body(Api.body(100, emoji.repeat(256)))
        .post(path)
        .then()
        .statusCode(400)
        .body("error.field", equalTo("reason"));
  }

  @Test
  void refundsAddUpToThePaymentAndNoFurther() {
    PaymentView p = upstream.succeeded(10_000);
    Api.refund(p.id(), 6_000).then().statusCode(201);
    Api.refund(p.id(), 4_001)
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.description", equalTo("Refund amount exceeds available amount"));
    Api.refund(p.id(), 4_000).then().statusCode(201);
    Api.refund(p.id(), 1)
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Refund amount exceeds available amount"));
    Api.refund(upstream.succeeded(10_000).id(), 10_001)
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Refund amount exceeds available amount"));
  }

  @Test
  void aCapturedPaymentCanBeRefunded() {
    PaymentView p = upstream.succeeded(10_000);
    upstream.awaitApplied(
        upstream.send(EventType.PAYMENT_CAPTURED, Upstream.with(p, "success", true)));
    Api.refund(p.id(), 10_000).then().statusCode(201);
  }

  @Test
  void aFailedPaymentIsNotRefundable() {
    PaymentView p = Upstream.newPayment(10_000);
    upstream.created(p);
    upstream.settle(p, PaymentView.FAILED);
    upstream.awaitStatus(p.id(), PaymentView.FAILED);
    long start = System.nanoTime();
    Api.refund(p.id(), 100)
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.description", equalTo("Payment not in refundable state"));
    assertTrue(System.nanoTime() - start < 1_900_000_000L, "a failed payment is final: no wait");
  }

  @Test
  void aPaymentStillPendingAfterTheWaitIsNotRefundable() {
    PaymentView p = Upstream.newPayment(10_000);
    upstream.created(p);
    upstream.awaitStatus(p.id(), PaymentView.PENDING);
    long start = System.nanoTime();
    Api.refund(p.id(), 100)
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Payment not in refundable state"));
    assertWaitedTheTwoSeconds(start);
  }

  @Test
  void anUnknownPaymentIs404AfterTheWait() {
    Api.merchant().get("/api/v1/refunds").then().statusCode(200); // the client warmed up
    long start = System.nanoTime();
    Api.refund("pay_ZZZZZZZZZZZZZZZZ", 100)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND_ERROR"))
        .body("error.description", equalTo("Payment not found"));
    assertWaitedTheTwoSeconds(start);
    Api.merchant()
        .get(Api.refundsOf("pay_YYYYYYYYYYYYYYYY"))
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
    Api.refund("not a/plausible", 100).then().statusCode(404);
  }

  @Test
  void anIdThatCanNeverBeAPaymentIs404AtOnce() {
    Api.merchant().get("/api/v1/refunds").then().statusCode(200); // the client warmed up
    for (String id :
        new String[] {"order_abcdefghijklmnop", "pay_abcdefghijklmno", "pay_abcdefghijklmnopq"}) {
      long start = System.nanoTime();
      Api.refund(id, 100)
          .then()
          .statusCode(404)
          .body("error.code", equalTo("NOT_FOUND_ERROR"))
          .body("error.description", equalTo("Payment not found"));
      Api.merchant().get(Api.refundsOf(id)).then().statusCode(404);
      long millis = (System.nanoTime() - start) / 1_000_000;
      // Waiting for news of it, as for a payment id not seen yet, would take the 2 s twice.
      assertTrue(millis < 1_900, id + " answered after " + millis + " ms");
    }
  }

  @Test
  void listsArePagedNewestFirst() {
    PaymentView p = upstream.succeeded(10_000);
    for (int amount = 100; amount <= 500; amount += 100) {
      Api.refund(p.id(), amount).then().statusCode(201);
    }
    JsonPath all =
        Api.merchant().get(Api.refundsOf(p.id())).then().statusCode(200).extract().jsonPath();
    assertEquals(5, all.getInt("total"));
    assertEquals(10, all.getInt("limit"));
    assertEquals(0, all.getInt("offset"));
    assertEquals(List.of(500, 400, 300, 200, 100), all.getList("data.amount", Integer.class));
    JsonPath page =
        Api.merchant()
            .queryParams(Map.of("limit", 2, "offset", 1))
            .get(Api.refundsOf(p.id()))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(List.of(400, 300), page.getList("data.amount", Integer.class));
    assertEquals(5, page.getInt("total"));
    assertEquals(FIELDS, page.getMap("data[0]").keySet());

    JsonPath mine =
        Api.merchant().get("/api/v1/refunds?limit=100").then().statusCode(200).extract().jsonPath();
    assertTrue(mine.getInt("total") >= 5);
    assertEquals(p.id(), mine.getString("data[0].payment_id"));
    assertEquals(500, mine.getInt("data[0].amount"));

    JsonPath none =
        Api.merchant()
            .get(Api.refundsOf(upstream.succeeded(100).id()))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(0, none.getInt("total"));
    assertNotNull(none.getList("data"));
    assertTrue(none.getList("data").isEmpty());
  }

  @Test
  void badPagingIs400() {
    PaymentView p = upstream.succeeded(1_000);
    for (String q :
        List.of("limit=0", "limit=101", "limit=abc", "offset=-1", "offset=1.5", "limit=")) {
      Api.merchant()
          .get("/api/v1/refunds?" + q)
          .then()
          .statusCode(400)
          .body("error.code", equalTo("BAD_REQUEST_ERROR"));
      Api.merchant().get(Api.refundsOf(p.id()) + "?" + q).then().statusCode(400);
    }
  }

  /**
   * The answer came after the wait for news of the payment (2 s), and not much later: the wait is
   * at most 2 s (API.md), with room for a slow machine.
   */
  private static void assertWaitedTheTwoSeconds(long startNanos) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    assertTrue(millis >= 1_900 && millis < 4_000, "answered after " + millis + " ms");
  }
}
