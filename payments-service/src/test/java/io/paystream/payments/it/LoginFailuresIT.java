package io.paystream.payments.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Failed dashboard logins are counted for the account whichever instance they reach, and a restart
 * does not clear them: two instances do not give a password guesser twice the tries, nor does a new
 * one.
 */
class LoginFailuresIT {
  private static final String DB = "paystream_payments_it";
  private static final int REDIS_DB = 7;

  @Test
  void theLimitHoldsAcrossInstancesAndRestarts() throws Exception {
    TestDatabases.recreate(DB, "payments");
    TestDatabases.flushRedis(REDIS_DB);
    String dbUrl = TestDatabases.databaseUrl(DB);
    String redisUrl = TestDatabases.redisUrl(REDIS_DB);
    try (ServiceProcess a = Instances.start("login-a", dbUrl, redisUrl, Map.of());
        ServiceProcess b = Instances.start("login-b", dbUrl, redisUrl, Map.of())) {
      login(a, "password").then().statusCode(200);
      // Ten wrong guesses (the limit), five on each instance.
      for (int i = 0; i < 5; i++) {
        login(a, "guess-a-" + i).then().statusCode(401);
        login(b, "guess-b-" + i).then().statusCode(401);
      }
      // Each instance has seen only five, yet the account's tries are spent on both.
      for (ServiceProcess p : new ServiceProcess[] {a, b}) {
        login(p, "password")
            .then()
            .statusCode(429)
            .header("Retry-After", notNullValue())
            .body("error.code", equalTo("RATE_LIMIT_ERROR"));
      }
      a.kill();
      try (ServiceProcess restarted = Instances.start("login-a2", dbUrl, redisUrl, Map.of())) {
        login(restarted, "password").then().statusCode(429);
      }
    }
  }

  private static Response login(ServiceProcess p, String password) {
    return given()
        .baseUri(p.baseUrl())
        .contentType(ContentType.JSON)
        .body(Map.of("email", "test@example.com", "password", password))
        .post("/api/v1/auth/login");
  }
}
