package io.paystream.refunds;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An instance killed ({@code kill -9}) while it holds refund jobs: another instance takes them over
 * and every refund is processed exactly once.
 */
class WorkerCrashIT {
  private static final int REFUNDS = 5;
  private static final long DELAY_MILLIS = 6_000;

  ItInfra infra;
  ServiceProcess victim;
  ServiceProcess survivor;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {victim, survivor, infra}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void refundsHeldByAKilledWorkerAreProcessedOnceByAnother() throws Exception {
    infra = ItInfra.prepare();
    Map<String, String> env = Map.of("TEST_PROCESSING_DELAY", Long.toString(DELAY_MILLIS));
    victim = infra.start("crash-victim", env);
    Upstream upstream = infra.upstream().withTestMerchant();
    PaymentView p = upstream.succeeded(10_000);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < REFUNDS; i++) {
      ids.add(
          Api.merchantAt(victim.url())
              .body(Api.body(1_000, null))
              .post(Api.refundsOf(p.id()))
              .then()
              .statusCode(201)
              .extract()
              .path("id"));
    }
    // The victim has read every job and holds them, waiting for their due time...
    await().atMost(Duration.ofSeconds(10)).until(() -> pendingJobsOf("crash-victim") == REFUNDS);
    victim.kill();

    // ...and dies. A second instance takes the jobs over once they have been idle long enough; its
    // sweeper is kept out of the way so that the take-over is what is tested.
    survivor =
        infra.start(
            "crash-survivor",
            Map.of(
                "TEST_PROCESSING_DELAY", Long.toString(DELAY_MILLIS),
                "PAYSTREAM_WORKER_CLAIM_MIN_IDLE", "2s",
                "PAYSTREAM_WORKER_CLAIM_INTERVAL", "500ms",
                "PAYSTREAM_WORKER_SWEEP_GRACE", "10m"));
    for (String id : ids) {
      JsonPath done = awaitProcessed(id);
      long took =
          Duration.between(
                  Timestamps.parse(done.getString("created_at")),
                  Timestamps.parse(done.getString("processed_at")))
              .toSeconds();
      assertTrue(took >= DELAY_MILLIS / 1000 - 1, "processed at its due time, not before: " + took);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> pendingJobsOf("crash-victim") == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> processedEvents(p.id()) == REFUNDS);
    Thread.sleep(1_000); // anything processed twice would show up now
    assertEquals(REFUNDS, processedEvents(p.id()), "each refund processed exactly once");
    assertEquals(
        REFUNDS,
        infra
            .db()
            .number(
                "SELECT count(*) FROM refunds.refunds WHERE payment_id = ? AND status = 'processed'",
                p.id()));
    assertEquals(
        REFUNDS,
        infra.db().number("SELECT n FROM refunds.refund_outcome_totals WHERE status = 'processed'")
            + infra
                .db()
                .number(
                    "SELECT count(*) FROM refunds.refund_outcome_increments WHERE status = 'processed'"));
  }

  private JsonPath awaitProcessed(String id) {
    return Api.awaitStatusAt(survivor.url(), id, "processed", Duration.ofSeconds(40));
  }

  /** Jobs delivered to a consumer and not yet acknowledged. */
  private long pendingJobsOf(String consumer) {
    Response r =
        infra
            .streams()
            .redis()
            .send(
                Request.cmd(Command.XPENDING)
                    .arg(Streams.REFUND_JOBS)
                    .arg(Streams.REFUND_SERVICE)
                    .arg("-")
                    .arg("+")
                    .arg(100)
                    .arg(consumer))
            .await()
            .atMost(Duration.ofSeconds(5));
    return r == null ? 0 : r.size();
  }

  private long processedEvents(String paymentId) {
    long n = 0;
    for (EventEnvelope e : StreamReader.events(infra.streams(), Streams.REFUND_EVENTS)) {
      if (e.type() == EventType.REFUND_PROCESSED
          && paymentId.equals(RefundView.fromEventData(e.data()).paymentId())) {
        n++;
      }
    }
    return n;
  }
}
