package io.paystream.webhooks.delivery;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.spi.resolver.ResolverProvider;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With {@code WEBHOOK_ALLOW_PRIVATE_TARGETS=false} (the default outside tests and local runs):
 * private, loopback, link-local and metadata targets are refused when an endpoint is saved, and
 * again at every attempt, where nothing is sent.
 */
@QuarkusTest
@TestProfile(PrivateTargetsTest.Refused.class)
class PrivateTargetsTest {
  /** The deployment default. */
  public static class Refused implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("paystream.delivery.allow-private-targets", "false");
    }
  }

  @Inject RedisStreams streams;
  @Inject Pool pool;

  @Test
  void namesAreLookedUpByVertxsAsynchronousResolverNotTheJdksBlockingOne() {
    // Quarkus turns Vert.x's resolver off unless asked (quarkus.vertx.use-async-dns): the JDK's
    // would then block the event loop of every attempt that looks a name up.
    assertNotEquals(
        "true",
        System.getProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME),
        "JDK resolver");
  }

  @Test
  void privateTargetsAreRefusedWhenSaved() {
    Merchant m = new Publisher(streams).merchant("whsec_test_abc123");
    for (String url :
        List.of(
            "http://127.0.0.1/hook",
            "http://localhost:8080/hook",
            "http://LOCALHOST./hook",
            "http://10.1.2.3/hook",
            "http://172.16.0.1/hook",
            "http://192.168.1.1/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://100.100.100.200/latest/meta-data/",
            "http://[::1]/hook",
            "http://[fd00:ec2::254]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://[fe80::1]/hook",
            "http://0.0.0.0/hook",
            "http://2130706433/hook",
            "http://0x7f.1/hook",
            "http://127.1/hook",
            "http://payments-service:8081/hook",
            "http://api.default.svc/hook")) {
      m.api()
          .body("{\"url\":\"" + url + "\"}")
          .post("/api/v1/webhook-endpoints")
          .then()
          .statusCode(400)
          .body("error.code", equalTo("BAD_REQUEST_ERROR"))
          .body("error.field", equalTo("url"));
    }
    // A public literal address is accepted (nothing is resolved for it).
    m.api()
        .body("{\"url\":\"https://93.184.215.14/hook\"}")
        .post("/api/v1/webhook-endpoints")
        .then()
        .statusCode(201);
    String id = m.api().get("/api/v1/webhook-endpoints").then().extract().path("data[0].id");
    m.api()
        .body("{\"url\":\"http://169.254.169.254/\"}")
        .patch("/api/v1/webhook-endpoints/" + id)
        .then()
        .statusCode(400)
        .body("error.field", equalTo("url"));
  }

  @Test
  void aPrivateTargetIsRefusedAtTheAttemptAndNothingIsSent() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver r = Receiver.start()) {
      // Saved before the deployment refused private targets (or by a name that now points home).
      pool.preparedQuery(
              "INSERT INTO webhooks.endpoints (id, merchant_id, url, enabled, created_at,"
                  + " updated_at) VALUES ($1, $2, $3, true, now(), now())")
          .execute(Tuple.of(UUID.randomUUID(), m.id(), r.url("/inside")))
          .await()
          .atMost(Duration.ofSeconds(5));
      pub.paymentSuccess(m.id());
      String[] id = new String[1];
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                JsonPath l = m.api().get("/api/v1/webhooks").then().extract().jsonPath();
                id[0] = l.getString("data[0].id");
                return id[0] != null && l.getInt("data[0].attempts") == 1;
              });
      JsonPath d = m.api().get("/api/v1/webhooks/" + id[0]).then().extract().jsonPath();
      assertEquals(
          "pending", d.getString("status"), "refused like a failed attempt: retried later");
      assertTrue(
          d.getString("attempt_history[0].error")
              .equals("target refused: url must not point to a loopback address"),
          d.getString("attempt_history[0].error"));
      Thread.sleep(300);
      assertEquals(0, r.hits("/inside").size());
    }
  }
}
