package io.paystream.webhooks.it;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TcpProxy;
import io.paystream.shared.testing.TestDatabases;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away: the API answers 503 SERVICE_UNAVAILABLE with Retry-After (never a 500), and
 * the refused requests leave nothing behind: no endpoint, change, rotation or retry, and no
 * Idempotency-Key taken. Once the database is back the service serves again. An instance of the
 * packaged service reaches PostgreSQL through a proxy the test cuts: a {@code @QuarkusTest} could
 * not point its datasource there, since the test infrastructure's settings override a profile's.
 */
class DatabaseOutageIT {
  /**
   * A request, the Idempotency-Key it is sent with (null: none) and its status when it succeeds.
   */
  private record Call(String method, String path, String body, String key, int ok) {
    Response send(Merchant m, String base) {
      var spec = m.api(base);
      if (key != null) {
        spec = spec.header("Idempotency-Key", key);
      }
      if (body != null) {
        spec = spec.body(body);
      }
      return spec.request(method, path);
    }
  }

  @Test
  void aMissingDatabaseIs503AndRefusedRequestsLeaveNothingBehind() throws Exception {
    try (Replicas replicas = Replicas.fresh();
        Receiver receiver = Receiver.start();
        TcpProxy proxy = TestDatabases.proxy();
        ServiceProcess app =
            replicas.start(
                "dbdown",
                Map.of(
                    "DATABASE_URL",
                    "postgresql://"
                        + TestDatabases.user()
                        + "@127.0.0.1:"
                        + proxy.port()
                        + "/"
                        + Replicas.DB))) {
      String base = app.baseUrl();
      Merchant m = new Publisher(replicas.streams()).merchant("whsec_test_abc123", base);
      String endpoint =
          m.api(base)
              .body("{\"url\":\"" + receiver.url("/hook") + "\"}")
              .post("/api/v1/webhook-endpoints")
              .then()
              .statusCode(201)
              .extract()
              .path("id");
      String delivery =
          m.api(base)
              .post("/api/v1/webhook-endpoints/" + endpoint + "/test")
              .then()
              .statusCode(202)
              .extract()
              .path("id");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  "success".equals(m.api(base).get("/api/v1/webhooks/" + delivery).path("status")));
      String before = m.holdings(base, delivery);
      String secret = m.api(base).get("/api/v1/webhook-secret").path("secret");
      List<Call> writes =
          List.of(
              new Call(
                  "POST",
                  "/api/v1/webhook-endpoints",
                  "{\"url\":\"" + receiver.url("/new") + "\"}",
                  "create-during-outage",
                  201),
              new Call(
                  "PATCH",
                  "/api/v1/webhook-endpoints/" + endpoint,
                  "{\"url\":\"" + receiver.url("/moved") + "\"}",
                  null,
                  200),
              new Call("POST", "/api/v1/webhook-secret/rotate", null, "rotate-during-outage", 200),
              new Call(
                  "POST",
                  "/api/v1/webhooks/" + delivery + "/retry",
                  null,
                  "retry-during-outage",
                  200));
      List<Call> during = new ArrayList<>(writes);
      during.add(new Call("GET", "/api/v1/webhook-endpoints", null, null, 200));

      proxy.cut();
      for (Call call : during) {
        Response refused = call.send(m, base);
        String what = call.method() + " " + call.path() + ": " + refused.asString();
        assertEquals(503, refused.statusCode(), what);
        assertTrue(refused.contentType().startsWith("application/json"), what);
        assertEquals("SERVICE_UNAVAILABLE", refused.path("error.code"), what);
        assertEquals(2, refused.jsonPath().getMap("error").size(), what);
        assertTrue(refused.header("Retry-After").matches("[1-9][0-9]*"), what);
      }
      // Nothing was written meanwhile (read past the proxy): no Idempotency-Key was taken either.
      assertEquals(1, Replicas.count("SELECT count(*) FROM webhooks.endpoints"));
      assertEquals(0, Replicas.count("SELECT count(*) FROM webhooks.idempotency_keys"));

      proxy.restore();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> m.api(base).get("/api/v1/webhook-endpoints").statusCode() == 200);
      assertEquals(before, m.holdings(base, delivery), "a refused request changed something");
      // The keys the refused requests carried are free: the same requests now run, once.
      for (Call call : writes) {
        Response done = call.send(m, base);
        String what = call.method() + " " + call.path() + ": " + done.asString();
        assertEquals(call.ok(), done.statusCode(), what);
        assertNull(done.header("Idempotent-Replayed"), what);
      }
      m.api(base).get("/api/v1/webhook-endpoints").then().body("total", equalTo(2));
      m.api(base)
          .get("/api/v1/webhook-secret")
          .then()
          .statusCode(200)
          .body("secret", not(equalTo(secret)));
    }
  }
}
