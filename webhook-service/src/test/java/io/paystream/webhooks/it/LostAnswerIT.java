package io.paystream.webhooks.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.StatementBreaker;
import io.paystream.shared.testing.StatementBreaker.Fault;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.restassured.response.Response;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The connection to PostgreSQL breaks around a webhook endpoint's creation. When PostgreSQL
 * committed it and only the answer was lost, the client gets the endpoint (201), never a 503 that
 * would invite it to create a second endpoint, which would get every event again; when nothing was
 * committed, 503 and nothing made; when the outcome cannot be learnt, a 500 that names the endpoint
 * that may exist.
 */
class LostAnswerIT {
  /** An instance whose PostgreSQL connections go through a breaker. */
  private record App(
      Replicas replicas, StatementBreaker breaker, ServiceProcess process, Merchant m)
      implements AutoCloseable {
    static App start(String name) throws Exception {
      Replicas replicas = Replicas.fresh();
      StatementBreaker breaker = new StatementBreaker();
      ServiceProcess process =
          replicas.start(name, Map.of("DATABASE_URL", breaker.databaseUrl(Replicas.DB)));
      Merchant m =
          new Publisher(replicas.streams()).merchant("whsec_test_abc123", process.baseUrl());
      return new App(replicas, breaker, process, m);
    }

    /** POSTs an endpoint whose creation the breaker breaks as {@code fault} says. */
    Response createBroken(String key, Fault fault) {
      // The merchant's credentials read now: the request below reaches its statement.
      m.api(process.baseUrl()).get("/api/v1/webhook-endpoints").then().statusCode(200);
      String url = "http://127.0.0.1:9/hook-" + UUID.randomUUID();
      breaker.arm(url, fault);
      return create(url, key);
    }

    Response create(String url, String key) {
      var spec = m.api(process.baseUrl()).body("{\"url\":\"" + url + "\"}");
      if (key != null) {
        spec = spec.header("Idempotency-Key", key);
      }
      return spec.post("/api/v1/webhook-endpoints");
    }

    long endpoints() throws Exception {
      return Replicas.count("SELECT count(*) FROM webhooks.endpoints");
    }

    @Override
    public void close() throws IOException {
      process.close();
      breaker.close();
      replicas.close();
    }
  }

  @Test
  void aCommittedEndpointWhoseAnswerIsLostIsAnswered201AndMadeOnce() throws Exception {
    try (App a = App.start("lost-endpoint-answer")) {
      Response first = a.createBroken(null, Fault.NEXT_ANSWER_LOST);
      assertEquals(1, a.breaker.broken(), "the commit's answer was lost");
      assertEquals(201, first.statusCode(), first.asString());
      assertNull(first.header("Idempotent-Replayed"));
      assertEquals(1, a.endpoints());
      String id = first.path("id");
      assertEquals(a.breaker.lastMarker(), first.path("url"));
      Response read = a.m.api(a.process.baseUrl()).get("/api/v1/webhook-endpoints/" + id);
      assertEquals(200, read.statusCode(), read.asString());
      assertEquals(first.asString(), read.asString(), "the endpoint as stored");
    }
  }

  @Test
  void withAKeyTheLostAnswerIsTheOneItsReplayGives() throws Exception {
    try (App a = App.start("lost-endpoint-key")) {
      String key = "lost-endpoint-" + UUID.randomUUID();
      Response first = a.createBroken(key, Fault.NEXT_ANSWER_LOST);
      assertEquals(1, a.breaker.broken());
      assertEquals(201, first.statusCode(), first.asString());
      Response replay = a.create(a.breaker.lastMarker(), key);
      assertEquals(201, replay.statusCode(), replay.asString());
      assertEquals("true", replay.header("Idempotent-Replayed"));
      assertEquals(first.asString(), replay.asString(), "the same bytes");
      assertEquals(1, a.endpoints());
    }
  }

  @Test
  void aCreationWhoseTransactionNeverCommittedIs503AndNothingMade() throws Exception {
    try (App a = App.start("lost-endpoint-uncommitted")) {
      // The insert's own answer lost: its transaction's COMMIT is never sent, so PostgreSQL rolls
      // it back when the connection ends; the looks find nothing and the 503 is true.
      Response first = a.createBroken(null, Fault.ANSWER_LOST);
      assertEquals(1, a.breaker.broken());
      assertErrorBody(first, 503, "SERVICE_UNAVAILABLE");
      assertEquals(0, a.endpoints());
      Response again = a.create(a.breaker.lastMarker(), null);
      assertEquals(201, again.statusCode(), again.asString());
      assertEquals(1, a.endpoints());
    }
  }

  @Test
  void anOutcomeThatCannotBeLearntIs500NamingTheEndpointToLookUp() throws Exception {
    try (App a = App.start("lost-endpoint-database")) {
      long started = System.nanoTime();
      Response first = a.createBroken(null, Fault.DATABASE_GONE);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(1, a.breaker.broken());
      assertErrorBody(first, 500, "SERVER_ERROR");
      assertNull(first.header("Retry-After"));
      assertTrue(tookMillis < 10_000, "answered after " + tookMillis + " ms");
      String description = first.path("error.description");
      assertTrue(description.contains("Idempotency-Key"), description);
      String id =
          description.replaceAll("(?s).*webhook endpoint ([0-9a-f-]{36}) may have been.*", "$1");
      assertTrue(description.contains("GET /api/v1/webhook-endpoints/" + id + " "), description);
      // The look-up the description names tells the truth once the database is back: here the
      // insert's answer was the one lost, so its transaction never committed.
      Thread.sleep(StatementBreaker.GONE_MILLIS);
      Response lookup = a.m.api(a.process.baseUrl()).get("/api/v1/webhook-endpoints/" + id);
      assertEquals(404, lookup.statusCode(), lookup.asString());
      assertEquals(0, a.endpoints());
    }
  }

  @Test
  void aRotationWhoseAnswerIsLostIsAnswered200WithTheSecretInForce() throws Exception {
    try (App a = App.start("lost-rotation-answer")) {
      String base = a.process.baseUrl();
      String before = a.m.api(base).get("/api/v1/webhook-secret").path("secret");
      // The rotating statement's text, sent alone to be prepared, is the mark: the execution that
      // follows it is the message whose answer is lost.
      a.breaker.arm("earlier_secrets = (SELECT", Fault.NEXT_ANSWER_LOST);
      Response first = a.m.api(base).post("/api/v1/webhook-secret/rotate");
      assertEquals(1, a.breaker.broken(), "the statement's answer was lost");
      assertEquals(200, first.statusCode(), first.asString());
      String secret = first.path("secret");
      assertTrue(!secret.equals(before), "a new secret");
      Response now = a.m.api(base).get("/api/v1/webhook-secret");
      assertEquals(secret, now.path("secret"), "the secret answered is the one in force");
      assertEquals((String) first.path("rotated_at"), now.path("rotated_at"));
    }
  }

  /** The status, and API.md's error body with this code and nothing else. */
  private static void assertErrorBody(Response r, int status, String code) {
    assertEquals(status, r.statusCode(), r.asString());
    assertEquals(Set.of("error"), r.jsonPath().getMap("$").keySet());
    assertEquals(code, r.path("error.code"));
  }
}
