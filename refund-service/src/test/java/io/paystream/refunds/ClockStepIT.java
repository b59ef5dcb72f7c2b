package io.paystream.refunds;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.id.Ids;
import io.paystream.shared.testing.RedisProcess;
import io.paystream.shared.testing.WallClock;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The system clock is stepped under a running instance (NTP correcting a drift, a virtual machine
 * resumed): how long ago its loops last moved is measured on the monotonic clock, so a step forward
 * neither refuses credentials nor fails liveness, and a step back does not hide a merchant feed
 * that has stopped (a secret rotated meanwhile would be taken for as long as the step). And an
 * instance whose clock runs ahead of Redis' still knows the payments-service reports Redis timed,
 * so that a payment no one has heard of is still a 404, not a 503 "catching up".
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

  private static Response refundOfAnUnknownPayment(ServiceProcess app) {
    return Api.merchantAt(app.url())
        .body(Api.body(100, null))
        .post(Api.refundsOf("pay_" + Ids.random(16)));
  }

  private static int status(ServiceProcess app, String path) {
    return RestAssured.given().baseUri(app.url()).get(path).statusCode();
  }
}
