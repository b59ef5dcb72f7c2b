package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.messaging.Workers;
import io.paystream.payments.repository.PaymentCountsRepository;
import io.paystream.payments.service.JobStatusService;
import io.paystream.shared.status.JobCounts;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.status.StatusPublisher;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.StatusAssertions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/test/jobs/status}: the top-level counts are the sums over payment, refund and
 * webhook work (the others' from their heartbeats), and {@code worker_status} is {@code running}
 * only while every service's workers report alive.
 */
@QuarkusTest
class JobStatusTest {
  @Inject RedisStreams streams;
  @Inject Workers workers;
  @Inject JobStatusService jobStatus;
  @Inject Redis redis;
  @Inject PaymentCountsRepository counts;
  @Inject PaymentsConfig config;
  @Inject Vertx vertx;

  private static final int REQUESTS_AT_ONCE = 64;

  @Test
  void countsAreSummedOverTheServicesAndAStoppedWorkerSaysSo() {
    // Work in flight and workers count only from instances heard of in the last seconds: each
    // read below follows fresh reports of the two other services.
    Others others = new Others(streams);
    JsonPath s = awaitStatus(others, true, j -> j.getLong("queues.refunds.processing") == 2);
    for (String field : new String[] {"pending", "processing", "completed", "failed"}) {
      assertEquals(
          s.getLong("queues.payments." + field)
              + s.getLong("queues.refunds." + field)
              + s.getLong("queues.webhooks." + field),
          s.getLong(field),
          field + " is the sum over the queues: " + s.prettify());
    }
    assertEquals(11, s.getLong("queues.webhooks.completed"));
    // 7 refunds not final, of which 2 in flight: 5 pending, 2 processing.
    assertEquals(5, s.getLong("queues.refunds.pending"));
    assertEquals("running", s.getString("worker_status"));

    // refund-service's workers report stopped: so does the whole.
    s =
        awaitStatus(
            others, false, j -> "stopped".equals(j.getString("queues.refunds.worker_status")));
    assertEquals("stopped", s.getString("worker_status"));
    awaitStatus(others, true, j -> "running".equals(j.getString("worker_status")));

    // This instance's own workers stop: read live, not from an old heartbeat.
    workers.stop();
    try {
      s = awaitStatus(others, true, j -> true);
      assertEquals("stopped", s.getString("queues.payments.worker_status"));
      assertEquals("stopped", s.getString("worker_status"));
    } finally {
      workers.start();
    }
    awaitStatus(others, true, j -> "running".equals(j.getString("worker_status")));
  }

  @Test
  void workersThatReportedJustNowRunEvenWhenTheirCountsTookLongToRead() {
    Others others = new Others(streams);
    String refunds = others.refunds();
    JsonPath s =
        awaitStatus(
            () -> {
              others.heartbeat(Streams.WEBHOOK_SERVICE, others.webhooks(), true, JobCounts.ZERO);
              // refund-service's only report: its counts were read 4 s before it was added (a slow
              // query); its workers were alive when it was added, a moment ago.
              StatusPublisher.add(
                      streams,
                      new ServiceStatus(
                          Streams.REFUND_SERVICE,
                          refunds,
                          Instant.now(),
                          true,
                          new JobCounts(7, 2, 5, 1),
                          0,
                          4_000))
                  .await()
                  .atMost(Duration.ofSeconds(5));
            },
            read -> "running".equals(read.getString("queues.refunds.worker_status")));
    assertEquals("running", s.getString("worker_status"), s.prettify());
  }

  @Test
  void aServiceNeverHeardOfHasNoRunningWorker() {
    // An instance started after refund-service's last report left the status stream (or ten
    // minutes after it went silent): refunds are not being processed, whatever else runs.
    send(Request.cmd(Command.DEL).arg(Streams.SERVICE_STATUS));
    JobStatusService fresh = new JobStatusService(streams, counts, workers, config, vertx);
    try {
      Others others = new Others(streams);
      others.heartbeat(Streams.WEBHOOK_SERVICE, others.webhooks(), true, JobCounts.ZERO);
      JsonPath s =
          new JsonPath(
              new String(
                  fresh.status().await().atMost(Duration.ofSeconds(10)), StandardCharsets.UTF_8));
      assertEquals("running", s.getString("queues.payments.worker_status"), s.prettify());
      assertEquals("running", s.getString("queues.webhooks.worker_status"), s.prettify());
      assertEquals("unknown", s.getString("queues.refunds.worker_status"), s.prettify());
      Map<String, Object> refunds = s.getMap("queues.refunds");
      assertTrue(refunds.containsKey("reported_at"), s.prettify());
      assertNull(refunds.get("reported_at"), s.prettify());
      assertEquals("stopped", s.getString("worker_status"), s.prettify());
    } finally {
      fresh.stop();
    }
  }

  @Test
  void aWorkerWhoseInstanceFellSilentIsStoppedWithinSeconds() {
    // refund-service's only instance reports running workers, then dies without a word: its last
    // report says running, but it is older than a live heartbeat may be.
    Others others = new Others(streams);
    awaitStatus(others, true, j -> "running".equals(j.getString("worker_status")));
    JsonPath s =
        awaitStatus(
            () ->
                others.heartbeat(Streams.WEBHOOK_SERVICE, others.webhooks(), true, JobCounts.ZERO),
            j -> "stopped".equals(j.getString("queues.refunds.worker_status")));
    assertEquals("stopped", s.getString("worker_status"), s.prettify());
  }

  @Test
  void workHeldByAWorkerIsNeverMoreThanTheWorkNotFinished() {
    // After Redis lost its data, a worker reads again the jobs of refunds long processed: it holds
    // three jobs while one refund is not final. One is being processed, none waits.
    Others others = new Others(streams);
    JsonPath s =
        awaitStatus(
            () -> {
              others.heartbeat(
                  Streams.REFUND_SERVICE, others.refunds(), true, new JobCounts(1, 3, 42, 0));
              others.heartbeat(Streams.WEBHOOK_SERVICE, others.webhooks(), true, JobCounts.ZERO);
            },
            j -> j.getLong("queues.refunds.completed") == 42);
    assertEquals(1, s.getLong("queues.refunds.processing"), s.prettify());
    assertEquals(0, s.getLong("queues.refunds.pending"), s.prettify());
    assertTrue(s.getString("queues.refunds.reported_at").endsWith("Z"), s.prettify());
  }

  @Test
  void requestsAtOnceShareReads() throws Exception {
    for (int round = 0; round < 3; round++) {
      long reads = readsForRequestsAtOnce(200);
      assertTrue(
          reads >= 1 && reads < REQUESTS_AT_ONCE, "round " + round + ": " + reads + " reads");
    }
  }

  @Test
  void aFailedReadIsSharedNotMadeAgainForEachRequest() throws Exception {
    // Redis refuses the read of the status stream (its key holds a string for a moment).
    send(Request.cmd(Command.DEL).arg(Streams.SERVICE_STATUS));
    send(Request.cmd(Command.SET).arg(Streams.SERVICE_STATUS).arg("not a stream"));
    long reads;
    try {
      reads = readsForRequestsAtOnce(500);
    } finally {
      send(Request.cmd(Command.DEL).arg(Streams.SERVICE_STATUS));
    }
    assertTrue(reads >= 1 && reads < REQUESTS_AT_ONCE, reads + " reads");
    await().atMost(Duration.ofSeconds(10)).until(() -> statusCode() == 200);
  }

  /** Sends that many requests at once, each expecting {@code status}; how many reads they made. */
  private long readsForRequestsAtOnce(int status) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(REQUESTS_AT_ONCE);
    try {
      long before = jobStatus.readsMade();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < REQUESTS_AT_ONCE; i++) {
        answers.add(
            threads.submit(
                () -> {
                  go.await();
                  return statusCode();
                }));
      }
      go.countDown();
      for (Future<Integer> answer : answers) {
        assertEquals(status, answer.get(30, TimeUnit.SECONDS));
      }
      return jobStatus.readsMade() - before;
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theCountsAnInstanceReportsAreNeverASecondOld() throws Exception {
    StatusAssertions.assertCountsReadEveryHalfSecond(
        streams, Streams.PAYMENTS_SERVICE, config.instanceId());
  }

  private static int statusCode() {
    return given().get("/api/v1/test/jobs/status").statusCode();
  }

  private void send(Request request) {
    redis.send(request).await().atMost(Duration.ofSeconds(5));
  }

  /** Reads the status, each time after fresh reports of the others, until {@code done}. */
  private static JsonPath awaitStatus(
      Others others, boolean refundsRunning, Predicate<JsonPath> done) {
    return awaitStatus(() -> others.report(refundsRunning), done);
  }

  /** Reads the status, each time after {@code report}, until {@code done}. */
  private static JsonPath awaitStatus(Runnable report, Predicate<JsonPath> done) {
    JsonPath[] read = new JsonPath[1];
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              report.run();
              read[0] = status();
              return done.test(read[0]);
            });
    return read[0];
  }

  /** A refund-service and a webhook-service instance, as their heartbeats tell of them. */
  private record Others(RedisStreams streams, String refunds, String webhooks) {
    Others(RedisStreams streams) {
      this(streams, "refunds-" + UUID.randomUUID(), "webhooks-" + UUID.randomUUID());
    }

    void report(boolean refundsRunning) {
      heartbeat(Streams.REFUND_SERVICE, refunds, refundsRunning, new JobCounts(7, 2, 5, 1));
      heartbeat(Streams.WEBHOOK_SERVICE, webhooks, true, new JobCounts(30, 4, 11, 3));
    }

    private void heartbeat(String service, String instance, boolean running, JobCounts counts) {
      StatusPublisher.add(
              streams, new ServiceStatus(service, instance, Instant.now(), running, counts))
          .await()
          .atMost(Duration.ofSeconds(5));
    }
  }

  private static JsonPath status() {
    return given().get("/api/v1/test/jobs/status").then().statusCode(200).extract().jsonPath();
  }
}
