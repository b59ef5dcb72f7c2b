package io.paystream.webhooks.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Answer;
import io.paystream.webhooks.Receiver.Hit;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An instance is killed with {@code kill -9} while its attempts wait on a slow endpoint; once its
 * leases run out another instance makes them again, and every event is delivered.
 */
class ReplicaKillIT {
  private static final int EVENTS = 40;
  private static final Map<String, String> SETTINGS =
      Map.of(
          "PAYSTREAM_DELIVERY_LEASE", "6s",
          "PAYSTREAM_CONSUMER_CLAIM_MIN_IDLE", "3s",
          "PAYSTREAM_CONSUMER_CLAIM_INTERVAL", "1s");

  @Test
  void aKilledInstancesDeliveriesAreMadeByAnotherAndNothingIsLost() throws Exception {
    try (Replicas replicas = Replicas.fresh();
        Receiver receiver = Receiver.start()) {
      receiver.answer("/slow", new Answer(200, 3_000, "slow"));
      Publisher pub = new Publisher(replicas.streams());
      Set<String> events = new HashSet<>();
      Set<String> inFlightAtKill;
      try (ServiceProcess a = replicas.start("doomed", SETTINGS)) {
        Merchant m = pub.merchant("whsec_test_abc123", a.baseUrl());
        m.api(a.baseUrl())
            .body("{\"url\":\"" + receiver.url("/slow") + "\"}")
            .post("/api/v1/webhook-endpoints")
            .then()
            .statusCode(201);
        for (int i = 0; i < EVENTS; i++) {
          events.add(pub.paymentSuccess(m.id()));
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> receiver.hits("/slow").size() >= 10);
        a.kill(); // mid-delivery: its attempts are waiting for the slow answers
        // What it sent just before it died may still be landing (tens of ms were seen): its
        // attempts are those that arrived once no more do.
        AtomicInteger before = new AtomicInteger(-1);
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> {
                  int now = receiver.hits("/slow").size();
                  return before.getAndSet(now) == now;
                });
        inFlightAtKill = ids(receiver.hits("/slow"));
      }
      long pendingAfterKill =
          Replicas.count("SELECT count(*) FROM webhooks.deliveries WHERE status = 'pending'");
      assertTrue(pendingAfterKill > 0, "the killed instance left deliveries in flight");

      receiver.answer("/slow", Answer.OK);
      try (ServiceProcess b = replicas.start("survivor", SETTINGS)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () ->
                    Replicas.count(
                            "SELECT count(*) FROM webhooks.deliveries WHERE status = 'success'")
                        == EVENTS);
        assertTrue(Replicas.attempts(b, "delivered") > 0);
      }

      List<Hit> hits = receiver.hits("/slow");
      assertEquals(events, ids(hits), "every event delivered");
      assertEquals(EVENTS, Replicas.count("SELECT count(*) FROM webhooks.deliveries"));
      Set<String> repeated = new HashSet<>();
      Set<String> once = new HashSet<>();
      for (Hit h : hits) {
        if (!once.add(h.header("webhook-id"))) {
          repeated.add(h.header("webhook-id"));
        }
      }
      // Only an attempt that was in flight when its instance died is made again.
      assertTrue(inFlightAtKill.containsAll(repeated), "repeated: " + repeated);
      assertEquals(
          0,
          Replicas.count("SELECT count(*) FROM webhooks.deliveries WHERE lease_token IS NOT NULL"));
    }
  }

  private static Set<String> ids(List<Hit> hits) {
    Set<String> out = new HashSet<>();
    hits.forEach(h -> out.add(h.header("webhook-id")));
    return out;
  }
}
