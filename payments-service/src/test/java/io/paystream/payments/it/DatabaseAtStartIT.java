package io.paystream.payments.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TcpProxy;
import io.paystream.shared.testing.TestDatabases;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An instance started while PostgreSQL is unreachable (a pod rescheduled during an outage) waits
 * for it, its migrations included, instead of exiting, and serves once it is back.
 */
class DatabaseAtStartIT {
  private static final String DB = "paystream_payments_dbstart_it";
  private static final int REDIS_DB = 15;

  @Test
  void anInstanceStartedWithoutItsDatabaseWaitsForIt() throws Exception {
    TestDatabases.recreate(DB, "payments");
    TestDatabases.flushRedis(REDIS_DB);
    try (TcpProxy proxy = TestDatabases.proxy()) {
      proxy.cut();
      try (ServiceProcess app =
          Instances.launch(
              "dbstart",
              "postgresql://" + TestDatabases.user() + "@127.0.0.1:" + proxy.port() + "/" + DB,
              TestDatabases.redisUrl(REDIS_DB),
              Map.of())) {
        Thread.sleep(8_000); // well past the first failed connection of the migrations
        assertTrue(app.isAlive(), "the instance exited while its database was unreachable");

        proxy.restore();
        app.awaitHttp("/q/health/ready", Duration.ofSeconds(90));
        Instances.merchant(app)
            .body("{\"amount\":5000}")
            .post("/api/v1/orders")
            .then()
            .statusCode(201);
      }
    }
  }
}
