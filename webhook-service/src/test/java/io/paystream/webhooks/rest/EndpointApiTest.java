package io.paystream.webhooks.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Hit;
import io.paystream.webhooks.repository.Tables;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/webhook-endpoints}: many per merchant, event filters, test events. */
@QuarkusTest
class EndpointApiTest {
  @Inject RedisStreams streams;
  @Inject Pool db;

  /** API.md's events, every one of which an endpoint may ask for. */
  private static final List<String> API_EVENTS =
      List.of(
          "payment.created",
          "payment.pending",
          "payment.success",
          "payment.failed",
          "payment.captured",
          "refund.created",
          "refund.processed",
          "webhook.test");

  @Test
  void everyEventOfTheContractCanBeAskedFor() {
    Merchant m = new Publisher(streams).merchant("whsec_test_abc123");
    String body =
        "{\"url\":\"http://127.0.0.1:9/every\",\"events\":[\""
            + String.join("\",\"", API_EVENTS)
            + "\"]}";
    m.api()
        .body(body)
        .post("/api/v1/webhook-endpoints")
        .then()
        .statusCode(201)
        .body("events", equalTo(API_EVENTS));
  }

  @Test
  void createReadUpdateListAndDelete() {
    Merchant m = new Publisher(streams).merchant("whsec_test_abc123");
    JsonPath created =
        m.api()
            .body(
                "{\"url\":\"http://127.0.0.1:9/a\",\"events\":[\"payment.success\",\"refund.processed\",\"payment.success\"],\"note\":\"ignored\"}")
            .post("/api/v1/webhook-endpoints")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    String id = created.getString("id");
    assertEquals("http://127.0.0.1:9/a", created.getString("url"));
    assertEquals(List.of("payment.success", "refund.processed"), created.getList("events"));
    assertEquals(true, created.getBoolean("enabled"));
    assertTrue(
        created.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));

    // Without events: every event.
    m.api()
        .body("{\"url\":\"https://hooks.example.com/b\"}")
        .post("/api/v1/webhook-endpoints")
        .then()
        .statusCode(201)
        .body("events", equalTo(API_EVENTS));

    m.api()
        .get("/api/v1/webhook-endpoints/" + id)
        .then()
        .statusCode(200)
        .body("url", equalTo("http://127.0.0.1:9/a"));
    m.api()
        .get("/api/v1/webhook-endpoints?limit=1")
        .then()
        .statusCode(200)
        .body("total", equalTo(2))
        .body("limit", equalTo(1))
        .body("offset", equalTo(0))
        .body("data", hasSize(1))
        .body("data[0].url", equalTo("https://hooks.example.com/b"));

    m.api()
        .body("{\"enabled\":false,\"events\":[\"payment.failed\"]}")
        .patch("/api/v1/webhook-endpoints/" + id)
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false))
        .body("events", contains("payment.failed"))
        .body("url", equalTo("http://127.0.0.1:9/a"));
    m.api()
        .body("{\"events\":null,\"url\":\"http://127.0.0.1:9/c\"}")
        .patch("/api/v1/webhook-endpoints/" + id)
        .then()
        .statusCode(200)
        .body("events", equalTo(API_EVENTS))
        .body("url", equalTo("http://127.0.0.1:9/c"));
    // A URL and the on/off switch cannot be removed: null for them is refused, nothing changes.
    for (String body :
        new String[] {"{\"url\":null}", "{\"enabled\":null,\"url\":\"http://127.0.0.1:9/d\"}"}) {
      String field = body.contains("enabled") ? "enabled" : "url";
      m.api()
          .body(body)
          .patch("/api/v1/webhook-endpoints/" + id)
          .then()
          .statusCode(400)
          .body("error.field", equalTo(field));
    }
    m.api()
        .get("/api/v1/webhook-endpoints/" + id)
        .then()
        .body("url", equalTo("http://127.0.0.1:9/c"))
        .body("enabled", equalTo(false));

    m.api().delete("/api/v1/webhook-endpoints/" + id).then().statusCode(204);
    m.api()
        .get("/api/v1/webhook-endpoints/" + id)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND_ERROR"));
    m.api().delete("/api/v1/webhook-endpoints/" + id).then().statusCode(404);
    m.api().body("{}").patch("/api/v1/webhook-endpoints/" + id).then().statusCode(404);
    m.api().post("/api/v1/webhook-endpoints/" + id + "/test").then().statusCode(404);
    m.api().get("/api/v1/webhook-endpoints").then().body("total", equalTo(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1]", "{\"x\":\"\\u0000\"}"})
  void postsThatNeedNoBodyRefuseABodyThatIsNotAnObjectAndChangeNothing(String body) {
    Merchant m = new Publisher(streams).merchant("whsec_test_abc123");
    String endpoint =
        m.api()
            .body("{\"url\":\"http://127.0.0.1:9/bodyless\"}")
            .post("/api/v1/webhook-endpoints")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String delivery = Publisher.testEvent(m, endpoint);
    String secret = m.api().get("/api/v1/webhook-secret").then().extract().path("secret");
    for (String path :
        List.of(
            "/api/v1/webhook-endpoints/" + endpoint + "/test",
            "/api/v1/webhooks/" + delivery + "/retry",
            "/api/v1/webhook-secret/rotate")) {
      m.api()
          .body(body)
          .post(path)
          .then()
          .statusCode(400)
          .body("error.code", equalTo("BAD_REQUEST_ERROR"));
    }
    m.api().get("/api/v1/webhooks").then().body("total", equalTo(1));
    m.api().get("/api/v1/webhook-secret").then().body("secret", equalTo(secret));
    // An object, its fields ignored, is taken as no body.
    m.api()
        .body("{\"note\":\"ignored\"}")
        .post("/api/v1/webhook-endpoints/" + endpoint + "/test")
        .then()
        .statusCode(202);
  }

  @Test
  void badInputIsA400InOurOwnWords() {
    Merchant m = new Publisher(streams).merchant("whsec_test_abc123");
    bad(m, "{\"events\":[\"payment.success\"]}", "url", "url is required");
    bad(m, "{\"url\":42}", "url", "url must be a non-empty string");
    bad(m, "{\"url\":\"ftp://example.com/x\"}", "url", "url must use http or https");
    bad(m, "{\"url\":\"not a url\"}", "url", null);
    bad(m, "{\"url\":\"http://u:p@example.com/x\"}", "url", "url must not contain credentials");
    bad(
        m,
        "{\"url\":\"http://example.com:abc/x\"}",
        "url",
        "url must have a port between 1 and 65535");
    bad(m, "{\"url\":\"http://exa_mple.com/x\"}", "url", "url must have a valid host name");
    bad(
        m,
        "{\"url\":\"https://straße.de/x\"}",
        "url",
        "url must give an internationalized host name in its ASCII form (xn--…), as the merchant's"
            + " DNS names it");
    bad(
        m,
        "{\"url\":\"http://127.0.0.1/x\",\"events\":[\"payment.refunded\"]}",
        "events",
        "unknown event: payment.refunded");
    bad(m, "{\"url\":\"http://127.0.0.1/x\",\"events\":[]}", "events", null);
    bad(m, "{\"url\":\"http://127.0.0.1/x\",\"events\":\"payment.success\"}", "events", null);
    bad(m, "{\"url\":\"http://127.0.0.1/x\",\"events\":[\"merchant.created\"]}", "events", null);
    bad(m, "{\"url\":\"http://127.0.0.1/x\",\"enabled\":\"yes\"}", "enabled", null);
    m.api()
        .body("[1]")
        .post("/api/v1/webhook-endpoints")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"));
    m.api()
        .options("/api/v1/webhook-endpoints")
        .then()
        .statusCode(405)
        .header("Allow", equalTo("GET, HEAD, POST"))
        .body("error.code", equalTo("BAD_REQUEST_ERROR"));
    m.api()
        .body("{")
        .post("/api/v1/webhook-endpoints")
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Request body is not valid JSON"));
    m.api().get("/api/v1/webhook-endpoints/not-a-uuid").then().statusCode(404);
    m.api()
        .get("/api/v1/webhook-endpoints?limit=0")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("limit"));
  }

  @Test
  void credentialsAreRequiredAndMerchantsSeeOnlyTheirOwn() {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    Merchant other = pub.merchant("whsec_test_abc123");
    String id = Publisher.endpoint(m, "http://127.0.0.1:9/mine");
    given()
        .get("/api/v1/webhook-endpoints")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("AUTHENTICATION_ERROR"));
    given()
        .header("X-Api-Key", m.apiKey())
        .header("X-Api-Secret", "wrong")
        .get("/api/v1/webhook-secret")
        .then()
        .statusCode(401);
    given().get("/api/v1/webhooks").then().statusCode(401);
    other.api().get("/api/v1/webhook-endpoints/" + id).then().statusCode(404);
    other.api().delete("/api/v1/webhook-endpoints/" + id).then().statusCode(404);
    other.api().post("/api/v1/webhook-endpoints/" + id + "/test").then().statusCode(404);
    m.api().get("/api/v1/webhook-endpoints/" + id).then().statusCode(200);
  }

  @Test
  void creatingWithAnIdempotencyKeyTwiceCreatesOnce() {
    Merchant m = new Publisher(streams).merchant("whsec_test_abc123");
    String body = "{\"url\":\"http://127.0.0.1:9/idem\"}";
    String first =
        m.api()
            .header("Idempotency-Key", "ep-1")
            .body(body)
            .post("/api/v1/webhook-endpoints")
            .then()
            .statusCode(201)
            .extract()
            .asString();
    String again =
        m.api()
            .header("Idempotency-Key", "ep-1")
            .body(body)
            .post("/api/v1/webhook-endpoints")
            .then()
            .statusCode(201)
            .header("Idempotent-Replayed", "true")
            .extract()
            .asString();
    assertEquals(first, again);
    m.api()
        .header("Idempotency-Key", "ep-1")
        .body("{\"url\":\"http://127.0.0.1:9/other\"}")
        .post("/api/v1/webhook-endpoints")
        .then()
        .statusCode(422)
        .body("error.code", equalTo("IDEMPOTENCY_KEY_MISMATCH"));
    m.api().get("/api/v1/webhook-endpoints").then().body("total", equalTo(1));
    // Kept for the contract's 24 h.
    long kept =
        db.preparedQuery(
                "SELECT count(*) FROM webhooks.idempotency_keys WHERE merchant_id = $1"
                    + " AND key = 'ep-1' AND response_status = 201"
                    + " AND expires_at - created_at = interval '24 hours'")
            .execute(Tuple.of(m.id()))
            .await()
            .atMost(Duration.ofSeconds(10))
            .iterator()
            .next()
            .getLong(0);
    assertEquals(1, kept);
  }

  @Test
  void eachEndpointGetsTheEventsItAsksForAndATestEventOnRequest() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(m, r.url("/all"));
      String failedOnly = Publisher.endpoint(m, r.url("/failed"), "payment.failed");
      String disabled = Publisher.endpoint(m, r.url("/off"));
      m.api()
          .body("{\"enabled\":false}")
          .patch("/api/v1/webhook-endpoints/" + disabled)
          .then()
          .statusCode(200);

      pub.paymentSuccess(m.id());
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hits("/all").size() == 1);
      JsonPath test =
          m.api()
              .post("/api/v1/webhook-endpoints/" + failedOnly + "/test")
              .then()
              .statusCode(202)
              .extract()
              .jsonPath();
      assertTrue(test.getString("event_id").matches("evt_[A-Za-z0-9]{16}"));
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hits("/failed").size() == 1);
      Hit hit = r.hits("/failed").get(0);
      assertEquals(test.getString("event_id"), hit.header("webhook-id"));
      JsonPath body = JsonPath.from(hit.bodyText());
      assertEquals("webhook.test", body.getString("event"));
      assertEquals(true, body.getBoolean("data.test"));
      assertEquals(failedOnly, body.getString("data.endpoint_id"));
      m.api()
          .get("/api/v1/webhooks/" + test.getString("id"))
          .then()
          .statusCode(200)
          .body("event", equalTo("webhook.test"));
      m.api().post("/api/v1/webhook-endpoints/" + disabled + "/test").then().statusCode(400);

      Thread.sleep(1_000);
      assertEquals(1, r.hits("/all").size());
      assertEquals(1, r.hits("/failed").size(), "payment.success is not for this endpoint");
      assertEquals(0, r.hits("/off").size(), "a disabled endpoint gets nothing");
      m.api().get("/api/v1/webhooks").then().body("total", equalTo(2));
    }
  }

  @Test
  void withoutEndpointsNothingIsDeliveredOrLogged() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    Merchant marker = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      Publisher.endpoint(marker, r.url("/marker"));
      pub.paymentSuccess(m.id());
      pub.paymentSuccess(marker.id()); // published after: once it arrives, m's event was handled
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hits("/marker").size() == 1);
      Thread.sleep(500);
    }
    m.api()
        .get("/api/v1/webhooks")
        .then()
        .statusCode(200)
        .body("total", equalTo(0))
        .body("data", hasSize(0));
    m.api().get("/api/v1/webhooks?status=success").then().body("data[0]", nullValue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"deleted", "disabled"})
  void aDeletedOrDisabledEndpointsPendingDeliveriesAreClosedNotSent(String how) throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      r.answer("/gone", new Receiver.Answer(500, 0, "down"));
      String id = Publisher.endpoint(m, r.url("/gone"));
      pub.paymentSuccess(m.id());
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hits("/gone").size() == 1);
      if (how.equals("deleted")) {
        m.api().delete("/api/v1/webhook-endpoints/" + id).then().statusCode(204);
      } else {
        m.api()
            .body("{\"enabled\":false}")
            .patch("/api/v1/webhook-endpoints/" + id)
            .then()
            .statusCode(200)
            .body("enabled", equalTo(false));
      }
      JsonPath d =
          await()
              .atMost(Duration.ofSeconds(15))
              .until(
                  () -> m.api().get("/api/v1/webhooks").then().extract().jsonPath(),
                  l -> "failed".equals(l.getString("data[0].status")));
      String delivery = d.getString("data[0].id");
      JsonPath detail = m.api().get("/api/v1/webhooks/" + delivery).then().extract().jsonPath();
      assertEquals(
          "endpoint was deleted or disabled", detail.getString("attempt_history[1].error"));
      assertEquals(1, r.hits("/gone").size(), "nothing sent after the delete");
    }
  }

  @Test
  void concurrentCreatesNeverTakeAMerchantPastOneHundredEndpoints() throws Exception {
    Merchant m = new Publisher(streams).merchant("whsec_test_abc123");
    String body = "{\"url\":\"http://127.0.0.1:9/hooks\"}";
    for (int i = 0; i < 97; i++) {
      m.api().body(body).post("/api/v1/webhook-endpoints").then().statusCode(201);
    }
    int racers = 12;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    // Inserts into the table wait while this lock is held (reads do not), so that the racers'
    // statements all reach PostgreSQL first and then run at once.
    SqlConnection gate = db.getConnection().await().atMost(Duration.ofSeconds(10));
    try {
      gate.query("BEGIN").execute().await().atMost(Duration.ofSeconds(10));
      gate.query("LOCK TABLE " + Tables.ENDPOINTS + " IN SHARE ROW EXCLUSIVE MODE")
          .execute()
          .await()
          .atMost(Duration.ofSeconds(10));
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        answers.add(
            pool.submit(() -> m.api().body(body).post("/api/v1/webhook-endpoints").statusCode()));
      }
      Thread.sleep(1_500);
      gate.query("COMMIT").execute().await().atMost(Duration.ofSeconds(10));
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> f : answers) {
        codes.add(f.get(30, TimeUnit.SECONDS));
      }
      assertEquals(3, codes.stream().filter(c -> c == 201).count(), codes.toString());
      assertEquals(racers - 3, codes.stream().filter(c -> c == 400).count(), codes.toString());
    } finally {
      gate.close().await().atMost(Duration.ofSeconds(10));
      pool.shutdownNow();
    }
    m.api()
        .get("/api/v1/webhook-endpoints?limit=1")
        .then()
        .statusCode(200)
        .body("total", equalTo(100));
  }

  private static void bad(Merchant m, String body, String field, String description) {
    var r =
        m.api()
            .body(body)
            .post("/api/v1/webhook-endpoints")
            .then()
            .statusCode(400)
            .body("error.code", equalTo("BAD_REQUEST_ERROR"))
            .body("error.field", equalTo(field));
    if (description != null) {
      r.body("error.description", equalTo(description));
    }
  }
}
