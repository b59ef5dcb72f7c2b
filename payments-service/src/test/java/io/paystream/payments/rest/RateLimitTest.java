package io.paystream.payments.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Beyond its limit a merchant gets 429 with Retry-After; failed authentication counts too. */
@QuarkusTest
@TestProfile(RateLimitTest.Limited.class)
class RateLimitTest {
  public static class Limited implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("paystream.rate-limit.per-second", "100", "paystream.rate-limit.burst", "100");
    }
  }

  @Test
  void overTheLimitIs429WithRetryAfter() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(16);
    List<Future<Response>> calls = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 400; i++) {
      String secret = i % 2 == 0 ? Api.SECRET : "wrong";
      calls.add(threads.submit(() -> Api.as(Api.KEY, secret).get("/api/v1/payments/stats")));
    }
    int limited = 0;
    Response last = null;
    for (Future<Response> f : calls) {
      Response r = f.get();
      if (r.statusCode() == 429) {
        limited++;
        last = r;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    threads.shutdown();
    assertTrue(limited > 0, "no request was limited in " + seconds + " s");
    assertTrue(400 - limited >= 100, "fewer than the 100 allowed at once got through: " + limited);
    assertEquals("RATE_LIMIT_ERROR", last.path("error.code"));
    int retryAfter = Integer.parseInt(last.header("Retry-After"));
    assertTrue(retryAfter >= 1);
    Thread.sleep(retryAfter * 1000L);
    assertEquals(200, Api.merchant().get("/api/v1/payments/stats").statusCode());
  }
}
