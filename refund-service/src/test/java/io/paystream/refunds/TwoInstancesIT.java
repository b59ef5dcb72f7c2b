package io.paystream.refunds;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two instances of the packaged service on one database and one Redis, used at the same time. */
class TwoInstancesIT {
  static ItInfra infra;
  static ServiceProcess a;
  static ServiceProcess b;
  static Upstream upstream;

  @BeforeAll
  static void start() throws Exception {
    infra = ItInfra.prepare();
    Map<String, String> env = Map.of("TEST_PROCESSING_DELAY", "500");
    a = infra.start("two-a", env);
    b = infra.start("two-b", env);
    upstream = infra.upstream().withTestMerchant();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {a, b, infra}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void fiftyConcurrentTenthsSpreadOverTwoInstancesExactlyTenSucceed() throws Exception {
    PaymentView p = upstream.succeeded(50_000);
    ExecutorService threads = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Response>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String instance = (i % 2 == 0 ? a : b).url();
      answers.add(
          threads.submit(
              () -> {
                go.await();
                return Api.merchantAt(instance)
                    .body(Api.body(5_000, null))
                    .post(Api.refundsOf(p.id()));
              }));
    }
    go.countDown();
    Set<String> created = new HashSet<>();
    for (Future<Response> f : answers) {
      Response r = f.get();
      if (r.statusCode() == 201) {
        created.add(r.path("id"));
      } else {
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals(
            "Refund amount exceeds available amount", r.jsonPath().get("error.description"));
      }
    }
    threads.shutdown();
    assertEquals(10, created.size());
    assertEquals(
        50_000, infra.db().number("SELECT refunded FROM refunds.payments WHERE id = ?", p.id()));
    assertEquals(
        50_000,
        infra.db().number("SELECT sum(amount) FROM refunds.refunds WHERE payment_id = ?", p.id()));

    // Every accepted refund is processed once, by whichever instance held its job.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                infra
                        .db()
                        .number(
                            "SELECT count(*) FROM refunds.refunds WHERE payment_id = ?"
                                + " AND status = 'processed'",
                            p.id())
                    == 10);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventsOf(p.id(), EventType.REFUND_PROCESSED) == 10);
    assertEquals(10, eventsOf(p.id(), EventType.REFUND_CREATED));
  }

  @Test
  void whatOneInstanceAcceptedTheOtherReadsAndReplays() {
    PaymentView p = upstream.succeeded(10_000);
    String key = "k-" + UUID.randomUUID();
    Response first =
        Api.merchantAt(a.url())
            .header("Idempotency-Key", key)
            .body(Api.body(700, "x"))
            .post(Api.refundsOf(p.id()));
    assertEquals(201, first.statusCode());
    Response replay =
        Api.merchantAt(b.url())
            .header("Idempotency-Key", key)
            .body(Api.body(700, "x"))
            .post(Api.refundsOf(p.id()));
    assertEquals(201, replay.statusCode());
    assertEquals("true", replay.header("Idempotent-Replayed"));
    assertArrayEquals(first.asByteArray(), replay.asByteArray());
    Api.merchantAt(b.url()).get("/api/v1/refunds/" + first.path("id")).then().statusCode(200);
  }

  @Test
  void aRotatedSecretWorksOnBothInstancesOnceOneHasAppliedIt() {
    UUID merchant = UUID.randomUUID();
    String key = "key_two_" + merchant.toString().replace("-", "");
    upstream.merchant(merchant, "Two Instances", key, "secret_first");
    for (ServiceProcess instance : List.of(a, b)) { // both cache the key with its first secret
      Api.as(key, "secret_first")
          .baseUri(instance.url())
          .get("/api/v1/refunds")
          .then()
          .statusCode(200);
    }

    upstream.rotate(
        merchant, key, "secret_second", Timestamps.now(), 1L); // one instance applies it
    for (ServiceProcess instance : List.of(a, b)) {
      Response r = Api.as(key, "secret_second").baseUri(instance.url()).get("/api/v1/refunds");
      assertEquals(200, r.statusCode(), instance.url() + ": " + r.asString());
    }
  }

  @Test
  void bothInstancesReportTheirHeartbeat() {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              Set<String> live = new HashSet<>();
              for (EventEnvelope e : StreamReader.events(infra.streams(), Streams.SERVICE_STATUS)) {
                ServiceStatus s = ServiceStatus.read(e);
                if (Streams.REFUND_SERVICE.equals(s.service()) && s.workerRunning()) {
                  live.add(s.instance());
                }
              }
              return live.containsAll(Set.of("two-a", "two-b"));
            });
  }

  private static long eventsOf(String paymentId, EventType type) {
    return StreamReader.events(infra.streams(), Streams.REFUND_EVENTS).stream()
        .filter(e -> e.type() == type)
        .filter(e -> paymentId.equals(RefundView.fromEventData(e.data()).paymentId()))
        .count();
  }
}
