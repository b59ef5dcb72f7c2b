package io.paystream.payments.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
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
    // This profile starts the service on a fresh schema, and the test merchant is seeded in the
    // background: a burst sent before would meet an unknown key (401 for every request).
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> RestAssured.get("/api/v1/test/merchant").path("seeded").equals(true));
    // Fired all at once with an asynchronous client, so that even a busy machine sends well
    // over 100 requests per second.
    HttpClient client = HttpClient.newHttpClient();
    URI uri = URI.create("http://localhost:" + RestAssured.port + "/api/v1/payments/stats");
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("X-Api-Key", Api.KEY)
              .header("X-Api-Secret", i % 2 == 0 ? Api.SECRET : "wrong")
              .build();
      calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    // Statuses per kind of request: the right secret, and a wrong one (failed authentication).
    Map<Integer, Integer> right = new TreeMap<>();
    Map<Integer, Integer> wrong = new TreeMap<>();
    HttpResponse<String> last = null;
    for (int i = 0; i < calls.size(); i++) {
      HttpResponse<String> r = calls.get(i).get();
      (i % 2 == 0 ? right : wrong).merge(r.statusCode(), 1, Integer::sum);
      if (r.statusCode() == 429) {
        last = r;
      }
    }
    assertEquals(Set.of(200, 429), right.keySet(), "right secret: " + right);
    assertTrue(right.get(200) >= 100, "fewer than the 100 allowed at once got through: " + right);
    assertEquals(
        Set.of(401, 429), wrong.keySet(), "failed authentication is limited too: " + wrong);
    assertTrue(last.body().contains("\"code\":\"RATE_LIMIT_ERROR\""), last.body());
    int retryAfter = Integer.parseInt(last.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1);
    Thread.sleep(retryAfter * 1000L);
    assertEquals(200, Api.merchant().get("/api/v1/payments/stats").statusCode());
  }
}
