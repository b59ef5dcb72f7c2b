package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
class PaymentResourceTest {
  private static final List<String> FIELDS =
      List.of(
          "id",
          "order_id",
          "merchant_id",
          "amount",
          "currency",
          "method",
          "vpa",
          "card_network",
          "card_last4",
          "status",
          "captured",
          "error_code",
          "error_description",
          "amount_refunded",
          "created_at",
          "updated_at");

  /** Unknown request fields are ignored, at the top and inside {@code card}, of any JSON type. */
  @Test
  void unknownFieldsAreIgnored() {
    String order =
        Api.merchant()
            .body("{\"amount\":50000,\"customer_id\":\"c_1\",\"x\":{\"y\":[1,null,true]}}")
            .post("/api/v1/orders")
            .then()
            .statusCode(201)
            .body("amount", equalTo(50000))
            .body("$", not(hasKey("customer_id")))
            .extract()
            .path("id");
    JsonPath p =
        Api.merchant()
            .body(
                "{\"order_id\":\""
                    + order
                    + "\",\"method\":\"card\",\"save\":true,\"card\":{\"number\":\"4111111111111111\","
                    + "\"expiry_month\":\"12\",\"expiry_year\":\"2099\",\"cvv\":\"123\","
                    + "\"brand\":\"visa\",\"meta\":{\"a\":[]}}}")
            .post("/api/v1/payments")
            .then()
            .statusCode(201)
            .body("card_network", equalTo("visa"))
            .body("card_last4", equalTo("1111"))
            .body("status", equalTo("pending"))
            .extract()
            .jsonPath();
    assertEquals(FIELDS, List.copyOf(p.getMap("$").keySet()));
  }

  /** An unknown field is ignored, but not when it holds U+0000, even in a key deep inside. */
  @Test
  void anUnknownFieldWithNulInANestedKeyIsRefused() {
    String order = Api.order(50_000);
    for (String extra : new String[] {"{\"a\\u0000\":1}", "{\"a\":[{\"\\u0000\":\"x\"}]}"}) {
      Api.merchant()
          .body(
              "{\"order_id\":\""
                  + order
                  + "\",\"method\":\"upi\",\"vpa\":\"user@paytm\",\"meta\":"
                  + extra
                  + "}")
          .post("/api/v1/payments")
          .then()
          .statusCode(400)
          .body("error.code", equalTo("BAD_REQUEST_ERROR"))
          .body("error.field", equalTo("meta"))
          .body("error.description", equalTo("Strings must not contain U+0000"));
    }
    Api.merchant().get("/api/v1/orders/" + order).then().body("status", equalTo("created"));
  }

  @Test
  void upiPaymentIsPendingAtOnceWithAmountFromTheOrder() {
    String order = Api.order(50_000);
    JsonPath p =
        Api.merchant()
            // A failing instrument: the order stays attempted however fast processing is.
            .body(Api.upi(order, "failure@paytm"))
            .post("/api/v1/payments")
            .then()
            .statusCode(201)
            .body("id", matchesPattern("pay_[A-Za-z0-9]{16}"))
            .body("order_id", equalTo(order))
            .body("amount", equalTo(50000))
            .body("currency", equalTo("INR"))
            .body("method", equalTo("upi"))
            .body("vpa", equalTo("failure@paytm"))
            .body("card_network", nullValue())
            .body("status", equalTo("pending"))
            .body("captured", equalTo(false))
            .extract()
            .jsonPath();
    assertEquals(FIELDS, List.copyOf(p.getMap("$").keySet()));
    Api.merchant().get("/api/v1/orders/" + order).then().body("status", equalTo("attempted"));
  }

  @Test
  void aVpaMayHoldDotsUnderscoresAndDashesBeforeItsBank() {
    Api.merchant()
        .body(Api.upi(Api.order(1_000), "Jo.hn_Doe-99@okAxis2"))
        .post("/api/v1/payments")
        .then()
        .statusCode(201)
        .body("vpa", equalTo("Jo.hn_Doe-99@okAxis2"));
  }

  @ParameterizedTest
  @CsvSource({
    "4111 1111 1111 1111,visa,1111",
    "5555-5555-5555-4444,mastercard,4444",
    "378282246310005,amex,0005",
    "6011111111111117,rupay,1117",
    "3530111333300000,unknown,0000",
    "4222222222222,visa,2222",
    "4111 1111 1111 1111 110,visa,1110"
  })
  void cardPaymentKeepsOnlyNetworkAndLastFour(String number, String network, String last4) {
    String year = String.valueOf(YearMonth.now(ZoneOffset.UTC).getYear() % 100 + 2);
    Api.merchant()
        .body(Api.card(Api.order(1_000), number, "12", year, "123"))
        .post("/api/v1/payments")
        .then()
        .statusCode(201)
        .body("method", equalTo("card"))
        .body("card_network", equalTo(network))
        .body("card_last4", equalTo(last4))
        .body("vpa", nullValue())
        .body("$", hasKey("card_last4"));
  }

  @Test
  void cardMonthAndYearMayBeNumbersAndTheYearFourDigits() {
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    String body =
        "{\"order_id\":\""
            + Api.order(1_000)
            + "\",\"method\":\"card\",\"card\":{\"number\":\"4111111111111111\",\"expiry_month\":"
            + now.getMonthValue()
            + ",\"expiry_year\":"
            + now.getYear()
            + ",\"cvv\":\"1234\"}}";
    Api.merchant().body(body).post("/api/v1/payments").then().statusCode(201);
    // A two-digit year as a number is 20YY, as it is as a string.
    String twoDigits =
        "{\"order_id\":\""
            + Api.order(1_000)
            + "\",\"method\":\"card\",\"card\":{\"number\":\"4111111111111111\",\"expiry_month\":"
            + now.getMonthValue()
            + ",\"expiry_year\":"
            + now.getYear() % 100
            + ",\"cvv\":\"123\"}}";
    Api.merchant().body(twoDigits).post("/api/v1/payments").then().statusCode(201);
    // Anything else that is not a string is refused in words that say what is taken.
    for (String month : new String[] {"12.0", "true", "[12]"}) {
      Api.merchant()
          .body(
              body.replace("\"expiry_month\":" + now.getMonthValue(), "\"expiry_month\":" + month))
          .post("/api/v1/payments")
          .then()
          .statusCode(400)
          .body("error.field", equalTo("card.expiry_month"))
          .body("error.description", equalTo("expiry_month must be a string or an integer"));
    }
  }

  @Test
  void refusesBadInstrumentsWithTheirCodes() {
    String order = Api.order(1_000);
    expect(Api.upi(order, "no-at-sign"), "INVALID_VPA", "vpa");
    expect(Api.upi(order, "a@b.c"), "INVALID_VPA", "vpa");
    expect(Api.upi(order, "a b@bank"), "INVALID_VPA", "vpa");
    // Not a string at all: a wrong type, as for every other field.
    String numeric = "{\"order_id\":\"" + order + "\",\"method\":\"upi\",\"vpa\":123}";
    expect(numeric, "BAD_REQUEST_ERROR", "vpa");
    expect(Api.card(order, "4111111111111112", "12", "30", "123"), "INVALID_CARD", "card.number");
    expect(Api.card(order, "411111111111", "12", "30", "123"), "INVALID_CARD", "card.number");
    expect(Api.card(order, "4111x111111111111", "12", "30", "123"), "INVALID_CARD", "card.number");
    // 13 and 19 digits, each failing the Luhn check.
    expect(Api.card(order, "4222222222223", "12", "30", "123"), "INVALID_CARD", "card.number");
    expect(
        Api.card(order, "4111111111111111111", "12", "30", "123"), "INVALID_CARD", "card.number");
    expect(
        Api.card(order, "4111 1111 1111 1111 111", "12", "30", "123"),
        "INVALID_CARD",
        "card.number");
    // 20 digits, though the Luhn check passes.
    expect(
        Api.card(order, "65211111111111111114", "12", "30", "123"), "INVALID_CARD", "card.number");
    // An expired card names the part in the past: the year, or within this year the month.
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    expect(
        Api.card(order, "4111111111111111", "12", String.valueOf(now.getYear() - 1), "123"),
        "EXPIRED_CARD",
        "card.expiry_year");
    YearMonth last = now.minusMonths(1);
    expect(
        Api.card(
            order,
            "4111111111111111",
            String.valueOf(last.getMonthValue()),
            String.valueOf(last.getYear()),
            "123"),
        "EXPIRED_CARD",
        last.getYear() == now.getYear() ? "card.expiry_month" : "card.expiry_year");
    expect(
        Api.card(order, "4111111111111111", "13", "30", "123"),
        "BAD_REQUEST_ERROR",
        "card.expiry_month");
    expect(
        Api.card(order, "4111111111111111", "0", "30", "123"),
        "BAD_REQUEST_ERROR",
        "card.expiry_month");
    expect(
        Api.card(order, "4111111111111111", "00", "30", "123"),
        "BAD_REQUEST_ERROR",
        "card.expiry_month");
    expect(
        "{\"order_id\":\""
            + order
            + "\",\"method\":\"card\",\"card\":{\"number\":\"4111111111111111\","
            + "\"expiry_month\":0,\"expiry_year\":\"30\",\"cvv\":\"123\"}}",
        "BAD_REQUEST_ERROR",
        "card.expiry_month");
    expect(
        Api.card(order, "4111111111111111", "12", "3", "123"),
        "BAD_REQUEST_ERROR",
        "card.expiry_year");
    expect(Api.card(order, "4111111111111111", "12", "30", "12"), "BAD_REQUEST_ERROR", "card.cvv");
    expect("{\"order_id\":\"" + order + "\",\"method\":\"cash\"}", "BAD_REQUEST_ERROR", "method");
    expect("{\"method\":\"upi\",\"vpa\":\"a@b\"}", "BAD_REQUEST_ERROR", "order_id");
    expect("{\"order_id\":\"" + order + "\",\"method\":\"card\"}", "BAD_REQUEST_ERROR", "card");
    // Nothing was created by any of them: the order is untouched.
    Api.merchant().get("/api/v1/orders/" + order).then().body("status", equalTo("created"));
  }

  @Test
  void cardValidThroughItsExpiryMonth() {
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    Api.merchant()
        .body(
            Api.card(
                Api.order(1_000),
                "4111111111111111",
                String.valueOf(now.getMonthValue()),
                String.valueOf(now.getYear() % 100),
                "123"))
        .post("/api/v1/payments")
        .then()
        .statusCode(201);
  }

  @Test
  void unknownOrAnotherMerchantsOrderIsNotFound() {
    expectStatus(Api.upi("order_doesnotexist00", "a@b"), 404, "NOT_FOUND_ERROR");
    String[] other = Api.newMerchant();
    String theirs = Api.order(Api.as(other[1], other[2]), 1_000);
    expectStatus(Api.upi(theirs, "a@b"), 404, "NOT_FOUND_ERROR");
  }

  @Test
  void anOrderWithASuccessfulPaymentTakesNoOther() {
    String order = Api.order(1_000);
    String first =
        Api.merchant()
            .body(Api.upi(order, "success@bank"))
            .post("/api/v1/payments")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    Api.awaitStatus(first, "success");
    Api.merchant().get("/api/v1/orders/" + order).then().body("status", equalTo("paid"));
    expectStatus(Api.upi(order, "success@bank"), 400, "BAD_REQUEST_ERROR");
  }

  @Test
  void aFailedPaymentLeavesTheOrderOpenForAnother() {
    String order = Api.order(1_000);
    String failed =
        Api.merchant()
            .body(Api.upi(order, "failure@bank"))
            .post("/api/v1/payments")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    Api.awaitStatus(failed, "failed");
    Api.merchant()
        .body(Api.upi(order, "success@bank"))
        .post("/api/v1/payments")
        .then()
        .statusCode(201);
  }

  @Test
  void getListAndFilterByStatus() {
    String[] m = Api.newMerchant();
    String ok = pay(m, "success@bank");
    String bad = pay(m, "failure@bank");
    awaitAs(m, ok, "success");
    awaitAs(m, bad, "failed");
    JsonPath all =
        Api.as(m[1], m[2]).get("/api/v1/payments").then().statusCode(200).extract().jsonPath();
    assertEquals(List.of(bad, ok), all.getList("data.id"));
    assertEquals(2, all.getInt("total"));
    Api.as(m[1], m[2])
        .get("/api/v1/payments?status=failed")
        .then()
        .body("data.id", equalTo(List.of(bad)))
        .body("data.status", everyItem(equalTo("failed")))
        .body("total", equalTo(1));
    Api.as(m[1], m[2])
        .get("/api/v1/payments?status=weird")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("status"));
    Api.as(m[1], m[2]).get("/api/v1/payments?limit=0").then().statusCode(400);
    Api.merchant().get("/api/v1/payments/" + ok).then().statusCode(404);
  }

  @Test
  void listsPaymentsNewestFirstWithPaging() {
    String[] m = Api.newMerchant();
    String first = pay(m, "failure@bank");
    String second = pay(m, "failure@bank");
    String third = pay(m, "failure@bank");
    JsonPath page =
        Api.as(m[1], m[2])
            .get("/api/v1/payments?limit=2&offset=1")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(List.of(second, first), page.getList("data.id"));
    assertEquals(3, page.getInt("total"));
    assertEquals(2, page.getInt("limit"));
    assertEquals(1, page.getInt("offset"));
    Api.as(m[1], m[2])
        .get("/api/v1/payments?limit=1")
        .then()
        .body("data.id", equalTo(List.of(third)))
        .body("offset", equalTo(0));
    Api.as(m[1], m[2])
        .get("/api/v1/payments?offset=3")
        .then()
        .body("data", equalTo(List.of()))
        .body("total", equalTo(3));
  }

  @Test
  void statsCountEveryPaymentAndSumTheSuccessfulOnes() {
    String[] m = Api.newMerchant();
    Api.as(m[1], m[2])
        .get("/api/v1/payments/stats")
        .then()
        .statusCode(200)
        .body("total_transactions", equalTo(0))
        .body("total_amount", equalTo(0))
        .body("success_rate", equalTo(0));
    String a = pay(m, "success@bank");
    String b = pay(m, "success@bank");
    String c = pay(m, "failure@bank");
    awaitAs(m, a, "success");
    awaitAs(m, b, "success");
    awaitAs(m, c, "failed");
    String body =
        Api.as(m[1], m[2])
            .get("/api/v1/payments/stats")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertEquals(
        "{\"total_transactions\":3,\"total_amount\":100000,\"success_rate\":66.66666666666667}",
        body);
  }

  @Test
  void publicPaymentFlowNeedsNoCredentialsAndRevealsLittle() {
    String order = Api.order(2_500);
    String id =
        given()
            .contentType(ContentType.JSON)
            .header("Origin", "https://shop.example")
            .body(Api.upi(order, "success@upi"))
            .post("/api/v1/payments/public")
            .then()
            .statusCode(201)
            .header("Access-Control-Allow-Origin", "*")
            .header("Access-Control-Allow-Credentials", nullValue())
            .body("merchant_id", equalTo("550e8400-e29b-41d4-a716-446655440000"))
            .extract()
            .path("id");
    JsonPath pub =
        given()
            .get("/api/v1/payments/" + id + "/public")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(
        List.of(
            "id",
            "order_id",
            "amount",
            "currency",
            "method",
            "status",
            "error_code",
            "error_description"),
        List.copyOf(pub.getMap("$").keySet()));
    given()
        .header("Origin", "https://shop.example")
        .header("Access-Control-Request-Method", "POST")
        .options("/api/v1/payments/public")
        .then()
        .statusCode(204)
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Credentials", nullValue())
        .header("Access-Control-Allow-Methods", org.hamcrest.Matchers.containsString("POST"));
    given()
        .contentType(ContentType.JSON)
        .header("Origin", "https://shop.example")
        .body(Api.upi("order_doesnotexist00", "a@b"))
        .post("/api/v1/payments/public")
        .then()
        .statusCode(404)
        .header("Access-Control-Allow-Origin", "*");
    // Refusals reach the shop's page too: the checkout shows their reasons.
    given()
        .contentType(ContentType.JSON)
        .header("Origin", "https://shop.example")
        .body(Api.upi(order, "not a vpa"))
        .post("/api/v1/payments/public")
        .then()
        .statusCode(400)
        .header("Access-Control-Allow-Origin", "*")
        .body("error.code", equalTo("INVALID_VPA"));
    assertTrue(
        given()
            .header("Origin", "https://shop.example")
            .get("/api/v1/payments/pay_unknown0000000000/public")
            .then()
            .statusCode(404)
            .header("Access-Control-Allow-Origin", "*")
            .extract()
            .asString()
            .contains("NOT_FOUND_ERROR"));
  }

  @Test
  void merchantEndpointsDoNotAnswerOtherOrigins() {
    given()
        .header("Origin", "https://evil.example")
        .header("X-Api-Key", Api.KEY)
        .header("X-Api-Secret", Api.SECRET)
        .get("/api/v1/payments")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", nullValue());
  }

  private static String pay(String[] m, String vpa) {
    return Api.as(m[1], m[2])
        .body(Api.upi(Api.order(Api.as(m[1], m[2]), 50_000), vpa))
        .post("/api/v1/payments")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  private static void awaitAs(String[] m, String id, String status) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(
            () ->
                status.equals(
                    Api.as(m[1], m[2])
                        .get("/api/v1/payments/" + id)
                        .then()
                        .extract()
                        .path("status")));
  }

  private static void expect(String body, String code, String field) {
    Api.merchant()
        .body(body)
        .post("/api/v1/payments")
        .then()
        .statusCode(400)
        .body("error.code", equalTo(code))
        .body("error.field", equalTo(field));
  }

  private static void expectStatus(String body, int status, String code) {
    Api.merchant()
        .body(body)
        .post("/api/v1/payments")
        .then()
        .statusCode(status)
        .body("error.code", equalTo(code));
  }
}
