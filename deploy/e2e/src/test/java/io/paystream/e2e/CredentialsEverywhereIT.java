package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * New and rotated API credentials work on every service the moment payments-service answers with
 * them, though refund-service and webhook-service learn them only from its merchant events: the
 * answer waits until they have. Each request below is sent straight after the answer, through the
 * edge, as an integration's next call would be.
 */
@ExtendWith(StackExtension.class)
class CredentialsEverywhereIT {
  private static final int ROUNDS = 10;

  @Test
  void aNewMerchantsCredentialsWorkEverywhereOnceOnboardingAnswers(Stack stack) throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      Api.Answer onboarded = stack.onboard();
      Api merchant =
          Api.merchant(stack.edge(), onboarded.text("api_key"), onboarded.text("api_secret"));

      expectOk(merchant.get("/api/v1/refunds"), "refund-service, round " + round);
      Api.Answer secret = merchant.get("/api/v1/webhook-secret");
      expectOk(secret, "webhook-service, round " + round);
      assertEquals(onboarded.text("webhook_secret"), secret.text("secret"));
      expectOk(merchant.get("/api/v1/payments"), "payments-service, round " + round);
    }
  }

  @Test
  void aRotatedSecretWorksEverywhereOnceTheRotationAnswers(Stack stack) throws Exception {
    Api.Answer onboarded = stack.onboard();
    String key = onboarded.text("api_key");
    String secret = onboarded.text("api_secret");
    for (int round = 0; round < ROUNDS; round++) {
      Api before = Api.merchant(stack.edge(), key, secret);
      Api.Answer rotated = before.post("/api/v1/merchants/me/rotate-secret", "");
      Api.expect(rotated, 200);
      secret = rotated.text("api_secret");
      Api after = Api.merchant(stack.edge(), key, secret);

      expectOk(after.get("/api/v1/refunds"), "refund-service, round " + round);
      expectOk(after.get("/api/v1/webhook-endpoints"), "webhook-service, round " + round);
      assertEquals(401, before.get("/api/v1/refunds").status(), "old secret, round " + round);
      assertEquals(401, before.get("/api/v1/webhook-endpoints").status(), "round " + round);
    }
  }

  private static void expectOk(Api.Answer answer, String where) {
    assertEquals(200, answer.status(), where + ": " + answer.raw());
  }
}
