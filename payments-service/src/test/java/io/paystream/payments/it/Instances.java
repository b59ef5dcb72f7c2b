package io.paystream.payments.it;

import static io.restassured.RestAssured.given;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Starts packaged payments-service instances and talks to them and to their Redis. */
final class Instances {
  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  private Instances() {}

  /** An instance in test mode with the given database, Redis and extra settings, once ready. */
  static ServiceProcess start(
      String name, String databaseUrl, String redisUrl, Map<String, String> extra)
      throws IOException, InterruptedException {
    ServiceProcess p = launch(name, databaseUrl, redisUrl, extra);
    try {
      p.awaitHttp("/q/health/ready", Duration.ofSeconds(90));
    } catch (RuntimeException | InterruptedException e) {
      // Never ready: stopped here, or it would go on reading the test's streams after the test.
      p.close();
      throw e;
    }
    return p;
  }

  /** The same, returned as soon as its process runs. */
  static ServiceProcess launch(
      String name, String databaseUrl, String redisUrl, Map<String, String> extra)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", databaseUrl);
    env.put("REDIS_URL", redisUrl);
    env.put("TEST_MODE", "true");
    env.put("RATE_LIMIT_PER_SECOND", "0");
    env.putAll(extra);
    return ServiceProcess.start(name, JAR, env);
  }

  /** A payment's status read straight from PostgreSQL (whatever the instances can reach). */
  static String statusInDatabase(String database, String paymentId) throws SQLException {
    return TestDatabases.queryOne(
        database, "SELECT status FROM payments.payments WHERE id = ?", paymentId);
  }

  static RequestSpecification merchant(ServiceProcess p) {
    return given()
        .baseUri(p.baseUrl())
        .header("X-Api-Key", "key_test_abc123")
        .header("X-Api-Secret", "secret_test_xyz789")
        .contentType(ContentType.JSON);
  }

  /** Creates an order of 10000; returns its id. */
  static String order(ServiceProcess p) {
    return merchant(p)
        .body("{\"amount\":10000}")
        .post("/api/v1/orders")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  /** Creates an order and a UPI payment on it; returns the payment id. */
  static String pay(ServiceProcess p, String vpa) {
    String order = order(p);
    return merchant(p)
        .body("{\"order_id\":\"" + order + "\",\"method\":\"upi\",\"vpa\":\"" + vpa + "\"}")
        .post("/api/v1/payments")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  static String status(ServiceProcess p, String paymentId) {
    return merchant(p)
        .get("/api/v1/payments/" + paymentId)
        .then()
        .statusCode(200)
        .extract()
        .path("status");
  }

  /** The envelopes in a stream, oldest first. */
  static List<EventEnvelope> events(String redisUrl, String stream) {
    Vertx vertx = Vertx.vertx();
    try {
      Redis redis = Redis.createClient(vertx, redisUrl);
      List<StreamEntry> entries =
          new RedisStreams(redis).latest(stream, 100_000).await().atMost(Duration.ofSeconds(10));
      List<EventEnvelope> out = new ArrayList<>();
      for (int i = entries.size() - 1; i >= 0; i--) {
        out.add(EventEnvelope.decode(entries.get(i).payload()));
      }
      redis.close();
      return out;
    } finally {
      vertx.closeAndAwait();
    }
  }

  /** The events a payment goes through when it succeeds. */
  static final Set<EventType> LIFECYCLE =
      EnumSet.of(EventType.PAYMENT_CREATED, EventType.PAYMENT_PENDING, EventType.PAYMENT_SUCCESS);

  /** The types of the payment events about one payment that a Redis holds. */
  static Set<EventType> eventTypesOf(String redisUrl, String paymentId) {
    Set<EventType> types = EnumSet.noneOf(EventType.class);
    for (EventEnvelope e : events(redisUrl, Streams.PAYMENT_EVENTS)) {
      if (paymentId.equals(e.data().path("payment").path("id").asText())) {
        types.add(e.type());
      }
    }
    return types;
  }
}
