package io.paystream.webhooks.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import io.paystream.shared.signing.SigningSecret;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Answer;
import io.paystream.webhooks.Receiver.Hit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The retry schedule in test mode ({@code WEBHOOK_RETRY_INTERVALS_TEST=true}), measured at a real
 * receiver: three deliveries run side by side so the ~50 s the schedule takes is paid once.
 */
@QuarkusTest
class RetryScheduleTest {
  private static final long[] GAPS_MILLIS = {5_000, 10_000, 15_000, 20_000};
  private static final long TOLERANCE_MILLIS = 1_000;
  private static final String SECRET = "whsec_test_abc123";

  @Inject RedisStreams streams;

  @Test
  void failingTimingOutAndRetriedDeliveriesFollowTheSchedule() throws Exception {
    Publisher pub = new Publisher(streams);
    try (Receiver receiver = Receiver.start();
        LogCapture log = LogCapture.of(Dispatcher.class)) {
      // A: always 500 → attempts at +5/+10/+15/+20 s, then failed; a manual retry then succeeds.
      Merchant a = pub.merchant(SECRET);
      receiver.answer("/fail", new Answer(500, 0, "{\"error\":\"down\"}"));
      Publisher.endpoint(a, receiver.url("/fail"));
      // B: the first attempt hangs past the 5 s timeout, the second is answered at once.
      Merchant b = pub.merchant(SECRET);
      receiver.answer(
          "/slow-once",
          h ->
              receiver.hits("/slow-once").size() == 1 ? new Answer(200, 7_000, "late") : Answer.OK);
      Publisher.endpoint(b, receiver.url("/slow-once"));
      // C: delivered, then retried by hand although it succeeded.
      Merchant c = pub.merchant(SECRET);
      Publisher.endpoint(c, receiver.url("/ok"));

      String aEvent = pub.paymentSuccess(a.id());
      pub.paymentSuccess(b.id());
      pub.paymentSuccess(c.id());

      // C: success, then a manual retry makes attempts count from 0 again and keeps the history.
      String cId = awaitStatus(c, "success");
      JsonPath retried =
          c.api()
              .post("/api/v1/webhooks/" + cId + "/retry")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals(cId, retried.getString("id"));
      assertEquals("pending", retried.getString("status"));
      assertEquals("Webhook retry scheduled", retried.getString("message"));
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.hits("/ok").size() == 2);
      JsonPath cDone = awaitDetail(c, cId, d -> "success".equals(d.getString("status")));
      assertEquals(1, cDone.getInt("attempts"));
      assertEquals(List.of(1, 1), cDone.getList("attempt_history.attempt"));

      // B: the timeout is a failed attempt (no answer, an error, ~5 s), and the next one comes
      // 5 s after it was made: as soon as it has timed out.
      JsonPath bDone = awaitDetail(b, awaitStatus(b, "success"), d -> d.getInt("attempts") == 2);
      assertNull(bDone.get("attempt_history[0].response_code"));
      assertTrue(bDone.getString("attempt_history[0].error").startsWith("timed out"));
      int latency = bDone.getInt("attempt_history[0].latency_ms");
      assertTrue(latency >= 4_900 && latency <= 6_000, "timed out after 5 s, was " + latency);
      assertEquals(200, bDone.getInt("attempt_history[1].response_code"));
      List<Hit> bHits = receiver.hits("/slow-once");
      long bGap = bHits.get(1).atMillis() - bHits.get(0).atMillis();
      assertTrue(Math.abs(bGap - 5_000) <= TOLERANCE_MILLIS, "5 s after the first, was " + bGap);

      // A: five attempts at the test intervals, then failed for good.
      await().atMost(Duration.ofSeconds(75)).until(() -> receiver.hits("/fail").size() >= 5);
      String aId = awaitStatus(a, "failed");
      List<Hit> hits = receiver.hits("/fail");
      for (int i = 1; i < hits.size(); i++) {
        long gap = hits.get(i).atMillis() - hits.get(i - 1).atMillis();
        long want = GAPS_MILLIS[i - 1];
        assertTrue(
            Math.abs(gap - want) <= TOLERANCE_MILLIS,
            "attempt " + (i + 1) + " came " + gap + " ms after the previous one, not " + want);
      }
      // Every attempt carries the same event id and bytes, and is signed anew at its own time.
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      Webhook verifier = new Webhook(SigningSecret.standardWebhooksKey(SECRET));
      long previous = 0;
      for (Hit h : hits) {
        assertEquals(hits.get(0).header("webhook-id"), h.header("webhook-id"));
        assertArrayEquals(hits.get(0).body(), h.body());
        long ts = Long.parseLong(h.header("webhook-timestamp"));
        assertTrue(
            Math.abs(ts * 1000 - h.atMillis()) <= 1_500 && ts > previous,
            "webhook-timestamp " + ts + " for an attempt received at " + h.atMillis());
        previous = ts;
        verifier.verify(h.bodyText(), h.standardWebhooksHeaders());
        assertEquals(
            HexFormat.of().formatHex(mac.doFinal(h.body())), h.header("X-Webhook-Signature"));
      }
      JsonPath aFailed = awaitDetail(a, aId, d -> d.getList("attempt_history").size() == 5);
      assertEquals(5, aFailed.getInt("attempts"));
      assertEquals(500, aFailed.getInt("response_code"));
      assertNull(aFailed.get("next_retry_at"));
      assertEquals(List.of(1, 2, 3, 4, 5), aFailed.getList("attempt_history.attempt"));
      assertEquals("{\"error\":\"down\"}", aFailed.getString("attempt_history[4].response_body"));
      Thread.sleep(2_000);
      assertEquals(5, receiver.hits("/fail").size(), "no attempt after the fifth");
      // One log line says so, with the ids an operator follows it by.
      List<String> gaveUp =
          log.messages().stream().filter(m -> m.startsWith("delivery " + aId + " failed")).toList();
      assertEquals(1, gaveUp.size(), String.valueOf(log.messages()));
      assertTrue(
          gaveUp.get(0).contains("after attempt 5")
              && gaveUp.get(0).contains(aEvent)
              && gaveUp.get(0).contains("request " + Publisher.requestOf(aEvent))
              && gaveUp.get(0).endsWith(": answered 500"),
          gaveUp.get(0));

      // A manual retry of the failed delivery starts again from attempt 1.
      receiver.answer("/fail", Answer.OK);
      a.api().post("/api/v1/webhooks/" + aId + "/retry").then().statusCode(200);
      JsonPath aAgain = awaitDetail(a, aId, d -> "success".equals(d.getString("status")));
      assertEquals(1, aAgain.getInt("attempts"));
      assertEquals(List.of(1, 2, 3, 4, 5, 1), aAgain.getList("attempt_history.attempt"));
      assertEquals(6, receiver.hits("/fail").size());
    }
  }

  /** Waits for the merchant's one delivery to reach {@code status}; returns its id. */
  static String awaitStatus(Merchant m, String status) {
    String[] id = new String[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonPath list = m.api().get("/api/v1/webhooks").then().extract().jsonPath();
              id[0] = list.getString("data[0].id");
              return status.equals(list.getString("data[0].status"));
            });
    return id[0];
  }

  static JsonPath awaitDetail(
      Merchant m, String id, java.util.function.Predicate<JsonPath> condition) {
    JsonPath[] last = new JsonPath[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              last[0] = m.api().get("/api/v1/webhooks/" + id).then().extract().jsonPath();
              return condition.test(last[0]);
            });
    return last[0];
  }
}
