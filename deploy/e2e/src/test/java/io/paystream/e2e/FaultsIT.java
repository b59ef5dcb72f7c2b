package io.paystream.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crashes while money moves. Each service is killed with {@code kill -9} once during a burst of 500
 * payments and started again with up.sh; Redis is killed, its data deleted, and started again
 * empty; PostgreSQL crashes (every process of it killed at once) during a burst and recovers.
 * Afterwards every payment has reached its final state exactly once, every event of every payment
 * (and of refunds made afterwards) reached the merchant's endpoint, signed, and no event produced
 * more than one delivery.
 */
@ExtendWith(StackExtension.class)
class FaultsIT {
  private static final Duration SETTLE = Duration.ofMinutes(3);
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @Test
  void killingEachServiceDuringABurstOf500PaymentsLosesNothing(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    String tag = "e2e-burst-" + System.currentTimeMillis();
    try (Webhooks hooks = Webhooks.register(api)) {
      // The last 50 payments wait until all three kills are done, so that every kill lands
      // while payments are being made and processed, however long a restart takes here.
      Burst burst = new Burst(api, tag, 500, 12, 450);
      ExecutorService pool = Burst.pool();
      List<Future<String>> futures = burst.start(pool);
      List<String> kills = new ArrayList<>();
      int threshold = 100;
      for (String service : List.of("payments-service", "webhook-service", "refund-service")) {
        int at = threshold;
        await().atMost(Duration.ofMinutes(2)).until(() -> burst.done() >= at);
        long t0 = System.nanoTime();
        stack.kill9(service);
        int killedAt = burst.done();
        stack.up();
        kills.add(
            service
                + " after "
                + killedAt
                + " payments, back in "
                + (System.nanoTime() - t0) / 1_000_000
                + " ms");
        assertTrue(killedAt < 500, service + " was killed after the burst: " + kills);
        threshold = Math.min(burst.done() + 50, 440);
      }
      burst.open();
      List<String> payments = made(futures, pool);
      System.out.printf("[e2e] burst: kills %s, %d retried requests%n", kills, burst.retries());
      int repeats = assertNothingLost(api, hooks, payments);
      System.out.printf(
          "[e2e] burst: %d deliveries, %d repeats of a delivery after a crash%n",
          hooks.receiver.deliveries().size(), repeats);
    }
  }

  @Test
  void redisRestartedWithItsDataWipedLosesNothing(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    String tag = "e2e-wipe-" + System.currentTimeMillis();
    try (Webhooks hooks = Webhooks.register(api)) {
      List<String> payments = new ArrayList<>();
      ExecutorService pool = Burst.pool();
      for (Future<String> f : new Burst(api, tag + "-a", 60, 60).start(pool)) {
        payments.add(f.get());
      }
      // Most of them are still waiting for the bank when Redis dies and loses everything.
      stack.wipeRedis();
      assertEquals(503, api.get("/health").status(), "health tells Redis is gone");
      for (Future<String> f : new Burst(api, tag + "-b", 20, 20).start(pool)) {
        payments.add(f.get()); // accepted meanwhile: a payment only needs PostgreSQL
      }
      pool.shutdown();
      stack.up(); // Redis again, empty
      assertEquals(200, api.get("/health").status());

      List<String> expected = new ArrayList<>(expected(60));
      expected.addAll(expected(20));
      assertEveryPaymentFinalAndAnnounced(api, hooks, payments, expected);
      assertRefundsWork(api, hooks, payments.subList(1, 4));
      hooks.assertSignedAndRepeatsIdentical();
    }
  }

  @Test
  void postgresCrashedDuringABurstLosesNothing(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    String tag = "e2e-pgcrash-" + System.currentTimeMillis();
    try (Webhooks hooks = Webhooks.register(api)) {
      // The last 50 payments wait until PostgreSQL is back, so that some are made after recovery.
      Burst burst = new Burst(api, tag, 200, 20, 150);
      ExecutorService pool = Burst.pool();
      List<Future<String>> futures = burst.start(pool);
      await().atMost(Duration.ofMinutes(2)).until(() -> burst.done() >= 60);
      Map<String, Integer> logFrom = new HashMap<>();
      for (String service : Stack.SERVICES) {
        logFrom.put(service, stack.log(service).length());
      }
      stack.crashPostgres();
      int crashedAt = burst.done();
      assertTrue(crashedAt < 150, "PostgreSQL crashed after the burst's first part");
      Api.Answer health = api.get("/health");
      assertEquals(503, health.status(), "health tells the database is gone: " + health.raw());
      assertEquals("disconnected", health.text("database"), health.raw());
      Api.Answer refused = api.post("/api/v1/orders", "{\"amount\":10000}", tag + "-while-down");
      assertEquals(503, refused.status(), "a write while the database is down: " + refused.raw());
      // Down long enough for payments to fall due, jobs to be retried and deliveries to be due.
      Thread.sleep(OUTAGE.toMillis());
      stack.up(); // PostgreSQL again, recovering from its log
      long recovered = System.nanoTime();
      burst.open();
      List<String> payments = made(futures, pool);
      System.out.printf(
          "[e2e] postgres crash after %d payments, %d retried requests%n",
          crashedAt, burst.retries());
      assertNothingLost(api, hooks, payments);
      // The SQL pool's 10 s connection wait of a query tried during the outage has run out.
      long quiet = recovered + Duration.ofSeconds(12).toNanos() - System.nanoTime();
      if (quiet > 0) {
        Thread.sleep(quiet / 1_000_000);
      }
      for (String service : Stack.SERVICES) {
        String log = stack.log(service).substring(logFrom.get(service));
        int at = log.indexOf("\tat ");
        assertFalse(
            at >= 0,
            () ->
                service
                    + " logged a stack trace for the outage:\n"
                    + log.substring(Math.max(0, at - 1500), Math.min(log.length(), at + 1500)));
      }
    }
  }

  /** The payments of a burst, once all are made: distinct, none doubled by a retry. */
  private static List<String> made(List<Future<String>> futures, ExecutorService pool)
      throws Exception {
    List<String> payments = new ArrayList<>();
    for (Future<String> f : futures) {
      payments.add(f.get());
    }
    pool.shutdown();
    assertEquals(
        futures.size(),
        new HashSet<>(payments).size(),
        futures.size() + " distinct payments, none doubled by a retry");
    return payments;
  }

  /**
   * After a burst's crashes: every payment final and announced once, refunds work, every delivery
   * signed (a repeat identical to the first), one delivery per payment. Returns the repeats.
   */
  private static int assertNothingLost(Api api, Webhooks hooks, List<String> payments)
      throws Exception {
    assertEveryPaymentFinalAndAnnounced(api, hooks, payments, expected(payments.size()));
    assertRefundsWork(api, hooks, payments.subList(1, 6));
    int repeats = hooks.assertSignedAndRepeatsIdentical();
    assertEquals(
        payments.size(),
        hooks.logged("payment.created").size(),
        "one delivery per payment.created");
    return repeats;
  }

  /** The final status each payment of a burst of {@code n} must reach (its test VPA decides). */
  private static List<String> expected(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Burst.failing(i) ? "failed" : "success");
    }
    return out;
  }

  /** Final status as the instrument decides, and created/pending/final each announced once. */
  private static void assertEveryPaymentFinalAndAnnounced(
      Api api, Webhooks hooks, List<String> payments, List<String> expected) throws Exception {
    await()
        .atMost(SETTLE)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                api.get("/api/v1/payments?status=pending&limit=1").json().path("total").asInt()
                    == 0);
    for (int i = 0; i < payments.size(); i++) {
      assertEquals(
          expected.get(i),
          api.get("/api/v1/payments/" + payments.get(i)).text("status"),
          payments.get(i));
    }
    await()
        .atMost(SETTLE)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                payments.stream()
                    .allMatch(
                        p ->
                            hooks.received("payment", p, "payment.created", "payment.pending")
                                && (hooks.received("payment", p, "payment.success")
                                    || hooks.received("payment", p, "payment.failed"))));
    for (String p : payments) {
      String status = api.get("/api/v1/payments/" + p).text("status");
      for (String type : List.of("payment.created", "payment.pending", "payment." + status)) {
        assertEquals(1, hooks.eventIds("payment", p, type).size(), type + " of " + p);
      }
      String other = status.equals("success") ? "payment.failed" : "payment.success";
      assertEquals(0, hooks.eventIds("payment", p, other).size(), "a payment is final once: " + p);
    }
  }

  private static void assertRefundsWork(Api api, Webhooks hooks, List<String> candidates)
      throws Exception {
    List<String> refunds = new ArrayList<>();
    for (String p : candidates) {
      if ("success".equals(api.get("/api/v1/payments/" + p).text("status"))) {
        Api.Answer r =
            api.post("/api/v1/payments/" + p + "/refunds", "{\"amount\":1000,\"reason\":\"e2e\"}");
        Api.expect(r, 201);
        refunds.add(r.text("id"));
      }
    }
    assertTrue(!refunds.isEmpty(), "some payments to refund");
    await()
        .atMost(SETTLE)
        .until(
            () ->
                refunds.stream()
                    .allMatch(
                        r -> hooks.received("refund", r, "refund.created", "refund.processed")));
    for (String r : refunds) {
      assertEquals("processed", api.get("/api/v1/refunds/" + r).text("status"));
      assertEquals(1, hooks.eventIds("refund", r, "refund.processed").size());
    }
  }
}
