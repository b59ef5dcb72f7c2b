package io.paystream.refunds;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.RedisProcess;
import io.paystream.shared.testing.WallClock;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The system clock is stepped under a running instance (NTP correcting a drift, a virtual machine
 * resumed): how long ago its loops last moved is measured on the monotonic clock, so a step forward
 * neither refuses credentials nor fails liveness, and a step back does not hide a merchant feed
 * that has stopped (a secret rotated meanwhile would be taken for as long as the step). And an
 * instance whose clock runs ahead of Redis' still knows the payments-service reports Redis timed,
 * so that a payment no one has heard of is still a 404, not a 503 "catching up". And refunds are
 * dated and processed by the database's clock, whichever instance's clock is off.
 */
class ClockStepIT {
  @Test
  void aWallClockStepNeitherRefusesCredentialsNorHidesAFeedThatStopped() throws Exception {
    try (ItInfra infra = ItInfra.prepare();
        RedisProcess redis = RedisProcess.start();
        Upstream upstream = infra.upstreamOn(redis.url());
        WallClock clock = WallClock.create()) {
      Map<String, String> env = new HashMap<>(clock.env());
      env.put("REDIS_URL", redis.url());
      try (ServiceProcess app = infra.start("clock-step", env)) {
        upstream.withTestMerchant();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Api.merchantAt(app.url()).get("/api/v1/refunds").statusCode() == 200);

        clock.step(Duration.ofMinutes(10));
        // The step takes effect within 100 ms; the merchant feed is read every 2 s at least.
        for (int i = 0; i < 40; i++) {
          Response r = Api.merchantAt(app.url()).get("/api/v1/refunds");
          assertEquals(200, r.statusCode(), "request " + i + " after the step: " + r.asString());
          assertEquals(200, status(app, "/q/health/live"), "liveness after the step");
          assertEquals(200, status(app, "/q/health/ready"), "readiness after the step");
          Thread.sleep(100);
        }

        // Back an hour once Redis is gone: no read can come between to restart the count.
        PausedRedisIT.assertNoSecretTakenWhileRedisIsDown(
            app, redis, () -> clock.step(Duration.ofHours(-1)));
      }
    }
  }

  @Test
  void anInstanceWhoseClockRunsAheadOfRedisStillAnswersForAnUnknownPayment() throws Exception {
    try (ItInfra infra = ItInfra.prepare();
        Upstream upstream = infra.upstream();
        WallClock clock = WallClock.create()) {
      try (ServiceProcess app = infra.start("clock-ahead", clock.env())) {
        upstream.withTestMerchant();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Api.merchantAt(app.url()).get("/api/v1/refunds").statusCode() == 200);
        assertEquals(404, refundOfAnUnknownPayment(app).statusCode(), "before the step");

        // Ahead by more than reports are trusted for (10 s): their age is Redis' to tell.
        clock.step(Duration.ofSeconds(15));
        Thread.sleep(200); // the step takes effect within 100 ms
        for (int i = 0; i < 3; i++) {
          Response r = refundOfAnUnknownPayment(app);
          assertEquals(404, r.statusCode(), "after the step: " + r.asString());
          Response list = Api.merchantAt(app.url()).get(Api.refundsOf("pay_" + Ids.random(16)));
          assertEquals(404, list.statusCode(), "a list after the step: " + list.asString());
        }
      }
    }
  }

  /**
   * Two instances whose clocks differ by a minute take each other's refunds and jobs: a refund is
   * dated, and processed after its delay (1 s here), by the database's clock, whichever instance
   * accepted it and whichever took its job. By their own clocks, one the instance ahead accepted
   * would be dated a minute ahead and wait a minute on the other, and one it took from the other
   * would be processed at once.
   */
  @Test
  void instancesWhoseClocksDifferDateAndProcessRefundsByTheDatabasesClock() throws Exception {
    try (ItInfra infra = ItInfra.prepare();
        Upstream upstream = infra.upstream();
        WallClock clock = WallClock.create()) {
      clock.step(Duration.ofSeconds(60));
      Map<String, String> env = Map.of("TEST_PROCESSING_DELAY", "1000");
      Map<String, String> aheadEnv = new HashMap<>(clock.env());
      aheadEnv.putAll(env);
      try (ServiceProcess right = infra.start("clock-right", env);
          ServiceProcess ahead = infra.start("clock-ahead", aheadEnv)) {
        upstream.withTestMerchant();
        PaymentView payment = upstream.succeeded(100_000);
        Set<String> refunds = new HashSet<>();
        Map<String, Long> dated = new HashMap<>();
        for (int i = 0; i < 16; i++) {
          ServiceProcess via = i % 2 == 0 ? right : ahead;
          long before = System.currentTimeMillis();
          Response r =
              Api.merchantAt(via.url()).body(Api.body(100, null)).post(Api.refundsOf(payment.id()));
          long after = System.currentTimeMillis();
          assertEquals(201, r.statusCode(), r.asString());
          refunds.add(r.path("id"));
          long created = Instant.parse(r.path("created_at")).toEpochMilli();
          dated.put(r.path("id"), created);
          assertTrue(
              created >= before - 1_000 && created <= after + 1_000,
              "accepted by " + via.name() + ", dated " + r.path("created_at"));
        }

        // Redis dates each event's entry: a refund is processed its delay after it was accepted
        // (give or take the relay's milliseconds), not at once and not a minute later.
        Map<String, Long> acceptedAt = new HashMap<>();
        Map<String, Long> processedAt = new HashMap<>();
        Map<String, Long> eventDated = new HashMap<>();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  for (StreamEntry e :
                      infra
                          .streams()
                          .latest(Streams.REFUND_EVENTS, 1_000)
                          .await()
                          .atMost(Duration.ofSeconds(10))) {
                    EventEnvelope event = EventEnvelope.decode(e.payload());
                    String id = event.data().path("refund").path("id").asText();
                    long at = Streams.entryMillis(e.id());
                    if (event.type() == EventType.REFUND_CREATED) {
                      acceptedAt.put(id, at);
                      eventDated.put(id, event.createdAt().toEpochMilli());
                    } else if (event.type() == EventType.REFUND_PROCESSED) {
                      processedAt.put(id, at);
                    }
                  }
                  return processedAt.keySet().containsAll(refunds);
                });
        for (String id : refunds) {
          assertEquals(
              dated.get(id), eventDated.get(id), "refund.created of " + id + " is dated so");
          long took = processedAt.get(id) - acceptedAt.get(id);
          // At once would be a few ms; the publishing of either event may lag by some.
          assertTrue(took >= 500 && took < 5_000, id + " processed " + took + " ms after");
        }
      }
    }
  }

  private static Response refundOfAnUnknownPayment(ServiceProcess app) {
    return Api.merchantAt(app.url())
        .body(Api.body(100, null))
        .post(Api.refundsOf("pay_" + Ids.random(16)));
  }

  private static int status(ServiceProcess app, String path) {
    return RestAssured.given().baseUri(app.url()).get(path).statusCode();
  }
}
