package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
class OrderResourceTest {
  private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

  @Test
  void createsAnOrderWithEveryField() {
    Api.merchant()
        .body(
            "{\"amount\":50000,\"currency\":\"INR\",\"receipt\":\"rcpt_1\",\"notes\":{\"b\":\"₹\",\"2\":[1]}}")
        .post("/api/v1/orders")
        .then()
        .statusCode(201)
        .body("id", matchesPattern("order_[A-Za-z0-9]{16}"))
        .body("merchant_id", equalTo("550e8400-e29b-41d4-a716-446655440000"))
        .body("amount", equalTo(50000))
        .body("currency", equalTo("INR"))
        .body("receipt", equalTo("rcpt_1"))
        .body("notes.b", equalTo("₹"))
        .body("status", equalTo("created"))
        .body("created_at", matchesPattern(TIME))
        .body("updated_at", matchesPattern(TIME));
  }

  @Test
  void defaultsCurrencyAndShowsAbsentFieldsAsNullOrEmpty() {
    Api.merchant()
        .body("{\"amount\":100}")
        .post("/api/v1/orders")
        .then()
        .statusCode(201)
        .body("currency", equalTo("INR"))
        .body("$", hasKey("receipt"))
        .body("receipt", nullValue())
        .body("notes", equalTo(java.util.Map.of()));
  }

  @Test
  void aReceiptIsCountedInCharactersNotUtf16Units() {
    String emoji = "\uD83D\uDCE6"; // one character, two UTF-16 units
    Api.merchant()
        .body("{\"amount\":100,\"receipt\":\"" + emoji.repeat(255) + "\"}")
        .post("/api/v1/orders")
        .then()
        .statusCode(201)
        .body("receipt", equalTo(emoji.repeat(255)));
    Api.merchant()
        .body("{\"amount\":100,\"receipt\":\"" + emoji.repeat(256) + "\"}")
        .post("/api/v1/orders")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("receipt"))
        .body("error.description", equalTo("receipt must be at most 255 characters"));
  }

  @Test
  void notesHoldAtMost16KibibytesOfJsonCountedInUtf8Bytes() {
    // {"a":"…"} is the string's UTF-8 bytes and 8 more.
    String fits = "x".repeat(16 * 1024 - 8);
    Api.merchant()
        .body("{\"amount\":100,\"notes\":{\"a\":\"" + fits + "\"}}")
        .post("/api/v1/orders")
        .then()
        .statusCode(201)
        .body("notes.a", equalTo(fits));
    for (String over : List.of(fits + "x", "\u00e9".repeat(8_189))) {
      Api.merchant()
          .body("{\"amount\":100,\"notes\":{\"a\":\"" + over + "\"}}")
          .post("/api/v1/orders")
          .then()
          .statusCode(400)
          .body("error.field", equalTo("notes"))
          .body("error.description", equalTo("notes must be at most 16 KB"));
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"amount\":99}|amount|amount must be at least 100",
        "{\"amount\":\"50000\"}|amount|amount must be at least 100",
        "{\"amount\":100.5}|amount|amount must be at least 100",
        "{\"currency\":\"INR\"}|amount|amount is required",
        "{\"amount\":100,\"currency\":\"\"}|currency|currency must be 3 uppercase letters",
        "{\"amount\":100,\"currency\":\"inr\"}|currency|currency must be 3 uppercase letters",
        "{\"amount\":100,\"receipt\":5}|receipt|receipt must be a string",
        "{\"amount\":100,\"notes\":\"x\"}|notes|notes must be a JSON object",
        "{\"amount\":100,\"notes\":[1]}|notes|notes must be a JSON object",
        "{\"amount\":1,\"currency\":\"x\",\"notes\":[]}|amount|amount must be at least 100",
        "{\"amount\":100,\"currency\":\"x\",\"notes\":[]}|currency|currency must be 3 uppercase letters",
        "{\"amount\":100,\"receipt\":\"a\\u0000b\"}|receipt|Strings must not contain U+0000",
        "{\"amount\":5,\"notes\":{\"a\":\"\\u0000\"}}|amount|amount must be at least 100",
        "{\"notes\":{\"a\":\"\\u0000\"},\"currency\":\"inr\",\"amount\":100}|currency|currency must be 3 uppercase letters",
        "{\"x\":\"\\u0000\",\"notes\":{\"a\":\"\\u0000\"},\"amount\":100}|notes|Strings must not contain U+0000",
        "{\"amount\":100,\"extra\":\"\\u0000\"}|extra|Strings must not contain U+0000",
        "{\"amount\":100,\"notes\":{\"a\\u0000\":\"x\"}}|notes|Strings must not contain U+0000",
        "{\"amount\":100,\"notes\":{\"a\":{\"\\u0000\":1}}}|notes|Strings must not contain U+0000",
        "{\"amount\":90071992547409920}|amount|amount must be at most 9007199254740991",
        "{\"amount\":-99999999999999999999}|amount|amount must be at least 100",
        "{\"amount\":100,\"notes\":{\"id\":9007199254740993}}|notes|notes must not hold numbers JavaScript cannot read exactly (integers beyond 9007199254740991 in size); send them as strings",
        "{\"amount\":100,\"notes\":{\"a\":[{\"b\":-9007199254740992}]}}|notes|notes must not hold numbers JavaScript cannot read exactly (integers beyond 9007199254740991 in size); send them as strings",
        "{\"amount\":100,\"notes\":{\"id\":123456789012345678901234}}|notes|notes must not hold numbers JavaScript cannot read exactly (integers beyond 9007199254740991 in size); send them as strings",
        "{\"amount\":100,\"notes\":{\"x\":1e400}}|notes|notes must not hold numbers JavaScript cannot read exactly (integers beyond 9007199254740991 in size); send them as strings",
      })
  void refusesBadOrdersNamingTheFirstFaultyField(String body, String field, String description) {
    Api.merchant()
        .body(body)
        .post("/api/v1/orders")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.field", equalTo(field))
        .body("error.description", equalTo(description));
  }

  @Test
  void numbersInNotesThatJavaScriptHoldsExactlyComeBackAsSent() {
    String id =
        Api.merchant()
            .body(
                "{\"amount\":100,\"notes\":{\"max\":9007199254740991,\"min\":-9007199254740991,"
                    + "\"half\":1.5,\"big\":1e20}}")
            .post("/api/v1/orders")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String body =
        Api.merchant().get("/api/v1/orders/" + id).then().statusCode(200).extract().asString();
    assertTrue(
        body.contains(
            "\"notes\":{\"max\":9007199254740991,\"min\":-9007199254740991,\"half\":1.5,"
                + "\"big\":100000000000000000000}"),
        body);
  }

  @Test
  void readsOwnOrdersOnlyAnotherMerchantsIsNotFound() {
    String id = Api.order(12_345);
    Api.merchant()
        .get("/api/v1/orders/" + id)
        .then()
        .statusCode(200)
        .body("amount", equalTo(12345));
    String[] other = Api.newMerchant();
    Api.as(other[1], other[2])
        .get("/api/v1/orders/" + id)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
    Api.merchant().get("/api/v1/orders/order_doesnotexist00").then().statusCode(404);
    Api.merchant().get("/api/v1/orders/%00").then().statusCode(404);
  }

  @Test
  void listsNewestFirstWithPaging() {
    String[] m = Api.newMerchant();
    String first = Api.order(Api.as(m[1], m[2]), 101);
    String second = Api.order(Api.as(m[1], m[2]), 102);
    String third = Api.order(Api.as(m[1], m[2]), 103);
    JsonPath page =
        Api.as(m[1], m[2])
            .get("/api/v1/orders?limit=2")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(List.of(third, second), page.getList("data.id"));
    assertEquals(3, page.getInt("total"));
    assertEquals(2, page.getInt("limit"));
    assertEquals(0, page.getInt("offset"));
    JsonPath rest =
        Api.as(m[1], m[2]).get("/api/v1/orders?limit=2&offset=2").then().extract().jsonPath();
    assertEquals(List.of(first), rest.getList("data.id"));
    JsonPath beyond =
        Api.as(m[1], m[2]).get("/api/v1/orders?offset=50").then().extract().jsonPath();
    assertEquals(List.of(), beyond.getList("data"));
    assertEquals(3, beyond.getInt("total"));
  }

  @ParameterizedTest
  @CsvSource({
    "limit=0,limit",
    "limit=101,limit",
    "limit=abc,limit",
    "offset=-1,offset",
    "offset=1.5,offset",
    "limit=,limit",
    "offset=,offset"
  })
  void refusesBadPaging(String query, String field) {
    Api.merchant()
        .get("/api/v1/orders?" + query)
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"))
        .body("error.field", equalTo(field));
  }

  @Test
  void publicOrderShowsOnlyWhatCheckoutNeedsToAnyOrigin() {
    String id = Api.order(777_00);
    given()
        .header("Origin", "https://shop.example")
        .get("/api/v1/orders/" + id + "/public")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Credentials", nullValue())
        .body("id", equalTo(id))
        .body("amount", equalTo(77700))
        .body("currency", equalTo("INR"))
        .body("status", equalTo("created"))
        .body("merchant_name", equalTo("Test Merchant"))
        .body("size()", equalTo(5));
    given()
        .get("/api/v1/orders/order_nope/public")
        .then()
        .statusCode(404)
        .header("Access-Control-Allow-Origin", "*");
  }
}
