package io.paystream.webhooks.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A merchant whose endpoints all hang holds at most its share of this instance's attempts (half of
 * them by default), and other merchants' deliveries go on at full speed meanwhile.
 */
@QuarkusTest
@TestProfile(MerchantIsolationTest.FewSlots.class)
class MerchantIsolationTest {
  /** 24 attempts at once in all, 8 per endpoint: three hanging endpoints could take them all. */
  public static class FewSlots implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("paystream.delivery.max-in-flight", "24");
    }
  }

  @Inject RedisStreams streams;

  @Test
  void slotsFreedByHangingEndpointsGoRoundTheEndpointsNotBackToTheirBacklog() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant healthy = pub.merchant("whsec_test_abc123");
    try (Receiver hanging = Receiver.start();
        Receiver fine = Receiver.start()) {
      // Three merchants whose two endpoints each hang (a dead host they share): 36 attempts at
      // once by their shares, more than the 24 slots there are, and a backlog behind them.
      Map<String, Merchant> dead = new HashMap<>();
      for (int i = 0; i < 3; i++) {
        Merchant stuck = pub.merchant("whsec_test_abc123");
        for (int e = 0; e < 2; e++) {
          hanging.answer("/dead-" + i + "-" + e, new Answer(200, 60_000, "too late"));
          dead.put(Publisher.endpoint(stuck, hanging.url("/dead-" + i + "-" + e)), stuck);
        }
        for (int k = 0; k < 20; k++) {
          pub.paymentSuccess(stuck.id());
        }
      }
      Publisher.endpoint(healthy, fine.url("/alive"));
      await().atMost(Duration.ofSeconds(10)).until(() -> hanging.total() >= 24);
      // Every slot hangs now: the healthy merchant's deliveries wait for the first ones to time out
      // (5 s after they began), then go ahead of the hanging endpoints' older backlog, whose
      // endpoints have attempts in flight again.
      Map<String, Long> publishedAt = new HashMap<>();
      for (int k = 0; k < 20; k++) {
        publishedAt.put(pub.paymentSuccess(healthy.id()), System.currentTimeMillis());
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> fine.hits("/alive").size() >= 20);
      long worst = 0;
      for (Receiver.Hit h : fine.hits("/alive")) {
        worst = Math.max(worst, h.atMillis() - publishedAt.get(h.header("webhook-id")));
      }
      assertTrue(worst < 9_000, "a healthy delivery waited " + worst + " ms for its attempt");
      // The dead endpoints' deliveries end at their next attempt, out of the next test's way.
      dead.forEach(
          (endpoint, m) ->
              m.api()
                  .body("{\"enabled\":false}")
                  .patch("/api/v1/webhook-endpoints/" + endpoint)
                  .then()
                  .statusCode(200));
    }
  }

  @Test
  void aMerchantWhoseEndpointsAllHangDoesNotSlowAnotherMerchantsDeliveries() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant stuck = pub.merchant("whsec_test_abc123");
    Merchant healthy = pub.merchant("whsec_test_abc123");
    try (Receiver hanging = Receiver.start();
        Receiver fine = Receiver.start()) {
      for (int i = 0; i < 3; i++) {
        hanging.answer("/hang-" + i, new Answer(200, 60_000, "too late"));
        Publisher.endpoint(stuck, hanging.url("/hang-" + i));
      }
      Publisher.endpoint(healthy, fine.url("/fast"));
      long start = System.currentTimeMillis();
      for (int i = 0; i < 40; i++) {
        pub.paymentSuccess(stuck.id());
      }
      IsolationTest.assertDeliveredPromptly(pub, healthy, fine, "/fast", 30);
      // While its first attempts hang (5 s), the merchant holds no more than its share (half of the
      // 24 slots), though its endpoints' shares (8 each) would take all 24.
      long stuckAtOnce = 0;
      for (int i = 0; i < 3; i++) {
        stuckAtOnce += IsolationTest.startedBefore(hanging, "/hang-" + i, start + 4_000);
      }
      IsolationTest.assertHeldAtMost(12, stuckAtOnce, "the hanging merchant's endpoints");
    }
  }
}
