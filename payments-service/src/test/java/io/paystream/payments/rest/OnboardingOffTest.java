package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without ADMIN_TOKEN (unset or empty) merchant onboarding is off, whatever token is sent. */
@QuarkusTest
@TestProfile(OnboardingOffTest.NoAdminToken.class)
class OnboardingOffTest {
  public static class NoAdminToken implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("paystream.admin-token", "");
    }
  }

  @Test
  void onboardingIsOffWithoutAnAdminToken() {
    for (String token : new String[] {"", "test-admin-token", "anything"}) {
      given()
          .header("X-Admin-Token", token)
          .contentType(ContentType.JSON)
          .body(Map.of("name", "Shop", "email", "off@example.com", "password", "long enough pw"))
          .post("/api/v1/merchants")
          .then()
          .statusCode(404)
          .body("error.code", equalTo("NOT_FOUND_ERROR"));
    }
  }
}
