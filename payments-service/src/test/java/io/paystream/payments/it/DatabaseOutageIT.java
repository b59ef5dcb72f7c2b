package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TcpProxy;
import io.paystream.shared.testing.TestDatabases;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away: requests get 503 SERVICE_UNAVAILABLE with Retry-After and change nothing; a
 * payment accepted before is finished once the database is back.
 */
class DatabaseOutageIT {
  private static final String DB = "paystream_payments_dbdown_it";
  private static final int REDIS_DB = 11;

  @Test
  void aMissingDatabaseIs503AndAcceptedPaymentsFinishAfterwards() throws Exception {
    TestDatabases.recreate(DB, "payments");
    TestDatabases.flushRedis(REDIS_DB);
    try (TcpProxy proxy = TestDatabases.proxy();
        ServiceProcess app =
            Instances.start(
                "dbdown",
                "postgresql://" + TestDatabases.user() + "@127.0.0.1:" + proxy.port() + "/" + DB,
                TestDatabases.redisUrl(REDIS_DB),
                Map.of("TEST_PROCESSING_DELAY", "3000"))) {
      String accepted = Instances.pay(app, "success@bank");
      long acceptedAt = System.currentTimeMillis();
      String order =
          Instances.merchant(app)
              .body("{\"amount\":777}")
              .post("/api/v1/orders")
              .then()
              .statusCode(201)
              .extract()
              .path("id");

      proxy.cut();
      Response refused =
          Instances.merchant(app)
              .header("Idempotency-Key", "during-outage")
              .body("{\"order_id\":\"" + order + "\",\"method\":\"upi\",\"vpa\":\"a@bank\"}")
              .post("/api/v1/payments");
      assertEquals(503, refused.statusCode(), refused.asString());
      assertEquals("SERVICE_UNAVAILABLE", refused.path("error.code"));
      assertEquals("5", refused.header("Retry-After"));
      Instances.merchant(app).get("/api/v1/payments/" + accepted).then().statusCode(503);
      // The outage outlasts the payment's due time: its worker fails to finish it, and must try
      // again once the database is back.
      Thread.sleep(Math.max(0, acceptedAt + 5_000 - System.currentTimeMillis()));
      assertEquals("pending", Instances.statusInDatabase(DB, accepted));

      proxy.restore();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Instances.merchant(app).get("/api/v1/payments/" + accepted).statusCode() == 200);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "success".equals(Instances.status(app, accepted)));
      // The refused request left nothing behind: the same key works now.
      Instances.merchant(app)
          .header("Idempotency-Key", "during-outage")
          .body("{\"order_id\":\"" + order + "\",\"method\":\"upi\",\"vpa\":\"a@bank\"}")
          .post("/api/v1/payments")
          .then()
          .statusCode(201)
          .body("order_id", equalTo(order));
      assertEquals(1, paymentsOn(order));
    }
  }

  private static long paymentsOn(String order) throws Exception {
    return Long.parseLong(
        TestDatabases.queryOne(
            DB, "SELECT count(*) FROM payments.payments WHERE order_id = ?", order));
  }
}
