package io.paystream.webhooks.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Answer;
import io.paystream.webhooks.Receiver.Hit;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that hangs holds at most its own share of this instance's attempts (8 in tests), and
 * deliveries to another endpoint go on at full speed meanwhile, on another host or the same.
 */
@QuarkusTest
class IsolationTest {
  private static final int EVENTS = 300;

  /** Attempts at once to one endpoint ({@code max-in-flight-per-endpoint} in tests). */
  static final int SHARE = 8;

  @Inject RedisStreams streams;

  @Test
  void aHangingEndpointDoesNotSlowAnotherEndpointsDeliveries() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    try (Receiver hanging = Receiver.start();
        Receiver healthy = Receiver.start()) {
      hanging.answer("/hang", new Answer(200, 60_000, "too late"));
      Publisher.endpoint(m, hanging.url("/hang"));
      Publisher.endpoint(m, healthy.url("/fast"));

      long start = System.currentTimeMillis();
      assertDeliveredPromptly(pub, m, healthy, "/fast", EVENTS);
      // While its first attempts hang (5 s), the hanging endpoint holds no more than its share.
      assertHeldAtMost(SHARE, startedBefore(hanging, "/hang", start + 4_000), "/hang");
    }
  }

  @Test
  void endpointsThatHangDoNotKeepAnotherOnTheSameHostWaitingForConnections() throws Exception {
    Publisher pub = new Publisher(streams);
    Merchant m = pub.merchant("whsec_test_abc123");
    // Enough hanging endpoints on one host that their shares of attempts (8 each) add up to more
    // connections than any fixed per-host bound short of the attempts in flight would allow.
    int hangingEndpoints = 20;
    try (Receiver host = Receiver.start()) {
      for (int i = 0; i < hangingEndpoints; i++) {
        host.answer("/hang-" + i, new Answer(200, 60_000, "too late"));
        Publisher.endpoint(m, host.url("/hang-" + i));
      }
      Publisher.endpoint(m, host.url("/fast"));
      long start = System.currentTimeMillis();
      assertDeliveredPromptly(pub, m, host, "/fast", 60);
      // Meanwhile every hanging endpoint was tried, holding no more than its share at once.
      for (int i = 0; i < hangingEndpoints; i++) {
        assertHeldAtMost(SHARE, startedBefore(host, "/hang-" + i, start + 4_000), "/hang-" + i);
      }
    }
  }

  /**
   * The requests to {@code path} that began before {@code until}, counted once that time has come:
   * with the sender's 5 s timeout and nothing begun before the events were published, those begun
   * within 4 s of that ran at once.
   */
  static long startedBefore(Receiver receiver, String path, long until)
      throws InterruptedException {
    Thread.sleep(Math.max(0, until - System.currentTimeMillis()));
    return receiver.hits(path).stream().filter(h -> h.atMillis() < until).count();
  }

  /**
   * Attempts at once at a hanging {@code what}: some (it was tried, so the bound below says
   * something), and never more than {@code share}. How many of the share start within the window
   * depends on how busy the machine is.
   */
  static void assertHeldAtMost(long share, long atOnce, String what) {
    assertTrue(
        atOnce >= 1 && atOnce <= share,
        atOnce + " attempts at once at " + what + ", its share being " + share);
  }

  /**
   * Publishes {@code events} payment events of {@code m} and checks each reached {@code path} once,
   * 99 % within 3 s of being published (each attempt is due when its event arrives, and is to be
   * made within a second of that).
   */
  static void assertDeliveredPromptly(
      Publisher pub, Merchant m, Receiver receiver, String path, int events) {
    Map<String, Long> publishedAt = new HashMap<>();
    for (int i = 0; i < events; i++) {
      publishedAt.put(pub.paymentSuccess(m.id()), System.currentTimeMillis());
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.hits(path).size() >= events);

    List<Long> latencies = new ArrayList<>();
    for (Hit h : receiver.hits(path)) {
      latencies.add(h.atMillis() - publishedAt.get(h.header("webhook-id")));
    }
    Collections.sort(latencies);
    long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
    assertEquals(
        events,
        new HashSet<>(receiver.hits(path).stream().map(h -> h.header("webhook-id")).toList())
            .size());
    assertTrue(p99 < 3_000, "event → first attempt p99 at the healthy endpoint was " + p99 + " ms");
  }
}
