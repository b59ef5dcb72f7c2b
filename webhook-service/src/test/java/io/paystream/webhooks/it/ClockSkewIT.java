package io.paystream.webhooks.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.WallClock;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Answer;
import io.paystream.webhooks.Receiver.Hit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Two instances whose clocks differ by 45 s, more than a lease (30 s), share the work, and the
 * clock of one is stepped while it runs, from 45 s ahead of the other's to 45 s behind. Leases, due
 * times and attempt times go by the database's clock, so neither takes over a lease the other still
 * holds (each event is sent once), neither makes a retry early (the test schedule's 5 s between the
 * first two attempts, whichever instance made each, less the milliseconds by which two readings of
 * the database's clock and two sends may differ), and both sign with the real time.
 */
class ClockSkewIT {
  private static final int EVENTS = 60;
  private static final long HOLD_MILLIS = 2_000;

  @Test
  void instancesWhoseClocksDifferNeitherSendTwiceNorRetryEarly() throws Exception {
    try (Replicas replicas = Replicas.fresh();
        Receiver receiver = Receiver.start();
        WallClock clock = WallClock.create()) {
      clock.step(Duration.ofSeconds(45));
      try (ServiceProcess right = replicas.start("clock-right", Map.of());
          ServiceProcess ahead = replicas.start("clock-ahead", clock.env())) {
        // Every first attempt is held 2 s, so that each is in flight when the other instance
        // claims; one event in three is refused the first time, so that it is retried.
        Set<String> seen = ConcurrentHashMap.newKeySet();
        receiver.answer(
            "/hook",
            hit -> {
              String id = hit.header("webhook-id");
              if (!seen.add(id)) {
                return Answer.OK;
              }
              return failsFirst(id)
                  ? new Answer(500, HOLD_MILLIS, "try again")
                  : new Answer(200, HOLD_MILLIS, "ok");
            });
        Publisher pub = new Publisher(replicas.streams());
        Merchant m = pub.merchant("whsec_test_abc123", right.baseUrl(), ahead.baseUrl());
        m.api(right.baseUrl())
            .body("{\"url\":\"" + receiver.url("/hook") + "\"}")
            .post("/api/v1/webhook-endpoints")
            .then()
            .statusCode(201);

        int retried = 0;
        for (int i = 0; i < EVENTS; i++) {
          if (i == EVENTS / 2) {
            // Stepped while it runs, from 45 s ahead to 45 s behind.
            clock.step(Duration.ofSeconds(-90));
            Thread.sleep(2_000);
          }
          if (failsFirst(pub.paymentSuccess(m.id()))) {
            retried++;
          }
        }
        int expectedHits = EVENTS + retried;
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> receiver.hits("/hook").size() >= expectedHits);
        Thread.sleep(6_000); // room for an attempt made twice to show up

        Map<String, List<Hit>> byEvent = new HashMap<>();
        for (Hit h : receiver.hits("/hook")) {
          byEvent.computeIfAbsent(h.header("webhook-id"), k -> new ArrayList<>()).add(h);
        }
        assertEquals(EVENTS, byEvent.size(), "events received");
        for (Map.Entry<String, List<Hit>> e : byEvent.entrySet()) {
          List<Hit> hits = e.getValue();
          assertEquals(failsFirst(e.getKey()) ? 2 : 1, hits.size(), "attempts of " + e.getKey());
          if (hits.size() == 2) {
            long gap = hits.get(1).atMillis() - hits.get(0).atMillis();
            assertTrue(
                gap >= 4_500 && gap < 9_000, "retry of " + e.getKey() + " after " + gap + " ms");
          }
        }
        for (Hit h : receiver.hits("/hook")) {
          long signedAt = Long.parseLong(h.header("webhook-timestamp")) * 1_000;
          assertTrue(
              Math.abs(signedAt - h.atMillis()) < 3_000,
              "signed at " + signedAt + ", received at " + h.atMillis());
        }
        double fromAhead =
            Replicas.attempts(ahead, "delivered") + Replicas.attempts(ahead, "failed");
        assertTrue(fromAhead > 0, "the instance ahead made attempts too");
      }
    }
  }

  private static boolean failsFirst(String eventId) {
    return Math.floorMod(eventId.hashCode(), 3) == 0;
  }
}
