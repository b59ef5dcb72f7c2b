package io.paystream.payments.it;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import io.paystream.shared.testing.TlsPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL that takes TLS connections only, as managed databases do: the {@code sslmode} of
 * {@code DATABASE_URL} reaches the migrations and the requests alike, and {@code verify-full}
 * checks the server against the CA that {@code sslrootcert} names.
 */
class TlsDatabaseIT {
  private static final int REDIS_DB = 15;
  private static TlsPostgres pg;

  @BeforeAll
  static void start() throws Exception {
    pg = TlsPostgres.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private static String url(String query) {
    return "postgresql://postgres@127.0.0.1:" + pg.port() + "/postgres?" + query;
  }

  @Test
  void sslmodeRequireServesRequestsOverTls() throws Exception {
    TestDatabases.flushRedis(REDIS_DB);
    try (ServiceProcess app =
        Instances.start(
            "tls-require", url("sslmode=require"), TestDatabases.redisUrl(REDIS_DB), Map.of())) {
      assertServes(app);
    }
  }

  @Test
  void verifyFullChecksTheServerAgainstItsCa() throws Exception {
    TestDatabases.flushRedis(REDIS_DB);
    try (ServiceProcess app =
        Instances.start(
            "tls-verify",
            url("sslmode=verify-full&sslrootcert=" + pg.caFile()),
            TestDatabases.redisUrl(REDIS_DB),
            Map.of())) {
      assertServes(app);
    }

    // The same server checked against a CA that did not issue its certificate: refused.
    try (ServiceProcess app =
        Instances.launch(
            "tls-other-ca",
            url("sslmode=verify-full&sslrootcert=" + pg.otherCaFile()),
            TestDatabases.redisUrl(REDIS_DB),
            Map.of())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!refusedCertificate(app) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(refusedCertificate(app), "the instance never refused the server's certificate");
      assertFalse(ready(app), "an instance that refused its database's certificate is ready");
    }
  }

  private static void assertServes(ServiceProcess app) {
    // An order is written and read back by the reactive client; the migrations ran over JDBC.
    String id =
        Instances.merchant(app)
            .body("{\"amount\":5000}")
            .post("/api/v1/orders")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    Instances.merchant(app)
        .get("/api/v1/orders/" + id)
        .then()
        .statusCode(200)
        .body("id", equalTo(id));
    io.restassured.RestAssured.given()
        .baseUri(app.baseUrl())
        .get("/health")
        .then()
        .statusCode(200)
        .body("database", equalTo("connected"));
  }

  private static boolean refusedCertificate(ServiceProcess app) throws IOException {
    return Files.readString(app.logFile().toPath())
        .contains("unable to find valid certification path");
  }

  private static boolean ready(ServiceProcess app) {
    try {
      app.awaitHttp("/q/health/ready", Duration.ofSeconds(2));
      return true;
    } catch (IllegalStateException | InterruptedException e) {
      return false;
    }
  }
}
