package io.paystream.refunds;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.RedisProcess;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis stops answering (a paused server: connections stay open, nothing comes back) while a refund
 * waits for news of a payment this service has not seen: once the wait is over, the answer is the
 * 503 of "cannot tell yet", within a second more, not a request held until the client or the edge
 * gives up.
 */
class PausedRedisIT {
  @Test
  void aRefundOfAnUnseenPaymentIs503SoonAfterTheWait() throws Exception {
    try (ItInfra infra = ItInfra.prepare();
        RedisProcess redis = RedisProcess.start();
        Upstream upstream = infra.upstreamOn(redis.url());
        ServiceProcess app = infra.start("paused-redis", Map.of("REDIS_URL", redis.url()))) {
      upstream.withTestMerchant();
      // Redis answering: a payment nobody announced is unknown once the wait is over.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> refundOfUnseenPayment(app).statusCode() == 404);

      redis.freeze();
      try {
        long start = System.nanoTime();
        Response r = refundOfUnseenPayment(app);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("SERVICE_UNAVAILABLE", r.path("error.code"));
        assertEquals("5", r.header("Retry-After"));
        // The wait (2 s), then at most a second for the look at Redis that cannot be had.
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered after " + took);
      } finally {
        redis.thaw();
      }
    }
  }

  /**
   * While Redis is down, news of a rotated secret cannot arrive: once the copy of the credentials
   * is older than a credential may be cached, no secret is taken (a 503 to retry, not the old
   * secret's 201), and they are taken again once merchant events are read again.
   */
  @Test
  void noSecretIsTakenWhileMerchantNewsCannotBeRead() throws Exception {
    try (ItInfra infra = ItInfra.prepare();
        RedisProcess redis = RedisProcess.start();
        Upstream upstream = infra.upstreamOn(redis.url());
        ServiceProcess app = infra.start("redis-gone-auth", Map.of("REDIS_URL", redis.url()))) {
      upstream.withTestMerchant();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Api.merchantAt(app.url()).get("/api/v1/refunds").statusCode() == 200);

      assertNoSecretTakenWhileRedisIsDown(app, redis, () -> {});
    }
  }

  /**
   * Stops {@code redis} (then runs {@code whenStopped}): within 15 s {@code app} takes no secret
   * (503 with Retry-After), and takes them again once {@code redis} is back.
   */
  static void assertNoSecretTakenWhileRedisIsDown(
      ServiceProcess app, RedisProcess redis, Runnable whenStopped) throws Exception {
    redis.stop();
    whenStopped.run();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> Api.merchantAt(app.url()).get("/api/v1/refunds").statusCode() != 200);
    Response r = Api.merchantAt(app.url()).get("/api/v1/refunds");
    assertEquals(503, r.statusCode(), r.asString());
    assertEquals("SERVICE_UNAVAILABLE", r.path("error.code"));
    assertEquals("5", r.header("Retry-After"));

    redis.startAgain();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Api.merchantAt(app.url()).get("/api/v1/refunds").statusCode() == 200);
  }

  private static Response refundOfUnseenPayment(ServiceProcess app) {
    return Api.merchantAt(app.url())
        .body(Api.body(100, null))
        .post(Api.refundsOf(Upstream.newPayment(10_000).id()));
  }
}
