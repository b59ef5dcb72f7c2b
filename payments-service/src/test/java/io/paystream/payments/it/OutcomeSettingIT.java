package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged service reads the test-mode settings from the environment: with {@code
 * TEST_PAYMENT_SUCCESS=false} an ordinary instrument fails, after {@code TEST_PROCESSING_DELAY},
 * while the test instruments still decide their own outcome.
 */
class OutcomeSettingIT {
  private static final String DB = "paystream_payments_testmode_it";
  private static final int REDIS_DB = 15;

  @Test
  void testPaymentSuccessFalseFailsOrdinaryPaymentsOnly() throws Exception {
    TestDatabases.recreate(DB, "payments");
    TestDatabases.flushRedis(REDIS_DB);
    try (ServiceProcess app =
        Instances.start(
            "test-mode-failure",
            TestDatabases.databaseUrl(DB),
            TestDatabases.redisUrl(REDIS_DB),
            Map.of("TEST_PAYMENT_SUCCESS", "false", "TEST_PROCESSING_DELAY", "200"))) {
      String ordinary = Instances.pay(app, "user@paytm");
      String success = Instances.pay(app, "success@okbank");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !"pending".equals(Instances.status(app, ordinary)));
      JsonPath failed = payment(app, ordinary);
      assertEquals("failed", failed.getString("status"));
      assertEquals("PAYMENT_FAILED", failed.getString("error_code"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> "success".equals(Instances.status(app, success)));
    }
  }

  private static JsonPath payment(ServiceProcess app, String id) {
    return Instances.merchant(app).get("/api/v1/payments/" + id).then().extract().jsonPath();
  }
}
