package io.paystream.webhooks.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Answer;
import io.paystream.webhooks.Receiver.Hit;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Two instances share the work of 1,000 events: each attempt is made exactly once, first attempts
 * and retries alike (one event in ten is answered 500 the first time, so its retry is claimed by
 * whichever instance gets to it first).
 */
class TwoReplicasIT {
  private static final int EVENTS = 1_000;

  @Test
  void twoInstancesMakeEachAttemptExactlyOnce() throws Exception {
    try (Replicas replicas = Replicas.fresh();
        Receiver receiver = Receiver.start();
        ServiceProcess a = replicas.start("replica-a", Map.of());
        ServiceProcess b = replicas.start("replica-b", Map.of())) {
      // About one event in ten has its first attempt refused, picked by its id alone: the first
      // attempt may come before publishing returns.
      Set<String> seen = ConcurrentHashMap.newKeySet();
      receiver.answer(
          "/hook",
          hit -> {
            String id = hit.header("webhook-id");
            boolean first = seen.add(id);
            return first && failsFirst(id) ? new Answer(500, 0, "try again") : Answer.OK;
          });
      Publisher pub = new Publisher(replicas.streams());
      Merchant m = pub.merchant("whsec_test_abc123", a.baseUrl(), b.baseUrl());
      m.api(a.baseUrl())
          .body("{\"url\":\"" + receiver.url("/hook") + "\"}")
          .post("/api/v1/webhook-endpoints")
          .then()
          .statusCode(201);

      Set<String> failFirst = new HashSet<>();
      for (int i = 0; i < EVENTS; i++) {
        String id = pub.paymentSuccess(m.id());
        if (failsFirst(id)) {
          failFirst.add(id);
        }
      }
      assertFalse(failFirst.isEmpty(), "some first attempts fail");
      int expectedHits = EVENTS + failFirst.size();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> receiver.hits("/hook").size() >= expectedHits);
      Thread.sleep(3_000); // room for any attempt made twice to show up

      Map<String, Integer> attemptsById = new HashMap<>();
      for (Hit h : receiver.hits("/hook")) {
        attemptsById.merge(h.header("webhook-id"), 1, Integer::sum);
      }
      assertEquals(EVENTS, attemptsById.size());
      for (Map.Entry<String, Integer> e : attemptsById.entrySet()) {
        int want = failFirst.contains(e.getKey()) ? 2 : 1;
        assertEquals(want, e.getValue(), "attempts of " + e.getKey());
      }
      assertEquals(expectedHits, receiver.hits("/hook").size());
      assertEquals(EVENTS, Replicas.count("SELECT count(*) FROM webhooks.deliveries"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Replicas.count(
                          "SELECT count(*) FROM webhooks.deliveries WHERE status = 'success'")
                      == EVENTS);
      assertEquals(expectedHits, Replicas.count("SELECT count(*) FROM webhooks.delivery_attempts"));
      List<Double> delivered =
          List.of(Replicas.attempts(a, "delivered"), Replicas.attempts(b, "delivered"));
      assertTrue(delivered.get(0) > 0 && delivered.get(1) > 0, "both delivered: " + delivered);
      assertEquals(EVENTS, delivered.get(0) + delivered.get(1), 0.0);
      assertEquals(
          new HashSet<>(attemptsById.keySet()).size(),
          Replicas.count("SELECT count(DISTINCT event_id) FROM webhooks.deliveries"));
    }
  }

  private static boolean failsFirst(String eventId) {
    return Math.floorMod(eventId.hashCode(), 10) == 0;
  }
}
