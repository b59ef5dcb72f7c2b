package io.paystream.refunds.messaging;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.refunds.Api;
import io.paystream.refunds.Upstream;
import io.paystream.refunds.UpstreamTest;
import io.paystream.refunds.repository.ProjectionStateRepository;
import io.paystream.refunds.service.PaymentSightings;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.sql.Purge;
import io.paystream.shared.status.JobCounts;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.status.StatusPublisher;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamConsumer;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.InFlightSampling;
import io.paystream.shared.time.Timestamps;
import io.paystream.shared.web.CommonConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The payments projection: built from events that may lag, repeat or arrive out of order, and
 * rebuilt from the streams' history.
 */
@QuarkusTest
class ProjectionTest extends UpstreamTest {
  @Inject ProjectionRebuild rebuild;
  @Inject PaymentEventsConsumer paymentEvents;
  @Inject PaymentSightings sightings;
  @Inject ProjectionStateRepository projection;
  @Inject Pool pool;
  @Inject CommonConfig server;

  @Test
  void appliedEventIdsAreForgottenPastTheirRetentionHoweverMany() {
    int old = 2 * Purge.BATCH + 500;
    sql(
        "INSERT INTO refunds.processed_events (event_id, processed_at) SELECT 'evt_purge' || i,"
            + " now() - interval '3 days' FROM generate_series(1, "
            + old
            + ") i");
    sql("INSERT INTO refunds.processed_events (event_id) VALUES ('evt_purgeyoung01')");
    assertEquals(
        (long) old,
        projection
            .purgeAppliedEvents(Duration.ofHours(48).toMillis())
            .await()
            .atMost(Duration.ofSeconds(60)));
    assertEquals(
        0L,
        count(
            "SELECT count(*) FROM refunds.processed_events WHERE event_id LIKE 'evt_purge%'"
                + " AND event_id <> 'evt_purgeyoung01'"));
    assertEquals(
        1L,
        count("SELECT count(*) FROM refunds.processed_events WHERE event_id = 'evt_purgeyoung01'"));
  }

  private void sql(String statement) {
    pool.query(statement).execute().await().atMost(Duration.ofSeconds(30));
  }

  private long count(String query) {
    return pool.query(query)
        .execute()
        .await()
        .atMost(Duration.ofSeconds(30))
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void aBacklogOfPaymentEventsLeavesHalfThePoolToRequests() throws Exception {
    PaymentView known = upstream.succeeded(50_000);
    int backlog = 3_000;
    List<Request> adds = new ArrayList<>();
    for (int i = 0; i < backlog; i++) {
      PaymentView p = Upstream.with(Upstream.newPayment(10_000), PaymentView.SUCCESS, false);
      String payload =
          EventEnvelope.encode(
              Ids.event(),
              EventType.PAYMENT_SUCCESS,
              Timestamps.now(),
              p.merchantId(),
              null,
              p::writeEventData);
      adds.add(RedisStreams.xadd(Streams.PAYMENT_EVENTS, payload));
    }
    // A refund asked for while the backlog is worked through: its payment is known already.
    List<CompletableFuture<Response>> refund = new ArrayList<>();
    int most =
        InFlightSampling.mostInFlight(
            paymentEvents.consumer(),
            backlog,
            () -> {
              streams.batch(adds).await().atMost(Duration.ofSeconds(30));
              refund.add(CompletableFuture.supplyAsync(() -> Api.refund(known.id(), 100)));
            });
    assertTrue(most > 0, "the backlog was seen in flight");
    assertTrue(
        most <= server.server().dbPoolSize() / 2,
        most
            + " payment events were handled at once, each a statement, on a pool of "
            + server.server().dbPoolSize());
    Response r = refund.get(0).get(30, TimeUnit.SECONDS);
    assertEquals(201, r.statusCode(), r.asString());
  }

  @Test
  void aRefundArrivingBeforeThePaymentEventWaitsForIt() throws Exception {
    PaymentView p = Upstream.newPayment(20_000);
    CompletableFuture<Response> answer =
        CompletableFuture.supplyAsync(() -> Api.refund(p.id(), 500));
    awaitWaiting(); // the client saw the payment succeed; its events are still on their way
    upstream.created(p);
    upstream.settle(p, PaymentView.SUCCESS);
    Response r = answer.get();
    assertEquals(201, r.statusCode(), r.asString());
    assertEquals(p.id(), r.jsonPath().getString("payment_id"));
  }

  @Test
  void aMerchantHasABoundedNumberOfRequestsWaitingForPaymentNewsAtOnce() throws Exception {
    UUID merchant = UUID.randomUUID();
    String key = "key_wait_" + merchant.toString().substring(0, 8);
    upstream.merchant(merchant, "Waiting", key, "secret_wait_abc123");
    // 80 at once about payments that do not exist: each would wait its 2 s, reading again and
    // again. At most 64 (this test profile's bound) wait and end in 404; the others, arriving
    // while 64 wait, are refused at once (a slow machine may let a few more in as the first end).
    ExecutorService clients = Executors.newFixedThreadPool(80);
    try {
      List<Future<Response>> answers = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        String payment = "pay_" + Ids.random(16);
        answers.add(
            clients.submit(() -> Api.as(key, "secret_wait_abc123").get(Api.refundsOf(payment))));
      }
      // Meanwhile another merchant's request still waits for its news, as it should.
      Response other = Api.merchant().get(Api.refundsOf("pay_" + Ids.random(16)));
      assertEquals(404, other.statusCode(), other.asString());
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (Future<Response> a : answers) {
        Response r = a.get(30, TimeUnit.SECONDS);
        statuses.merge(r.statusCode(), 1, Integer::sum);
        if (r.statusCode() == 429) {
          assertEquals("RATE_LIMIT_ERROR", r.jsonPath().getString("error.code"));
          assertEquals("1", r.header("Retry-After"));
        }
      }
      assertEquals(Set.of(404, 429), statuses.keySet(), statuses.toString());
      assertTrue(statuses.get(404) >= 64, statuses.toString());
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aRefundOfAPaymentSeenPendingWaitsForItsOutcome() throws Exception {
    PaymentView p = Upstream.newPayment(20_000);
    upstream.created(p);
    upstream.awaitStatus(p.id(), PaymentView.PENDING);
    CompletableFuture<Response> answer =
        CompletableFuture.supplyAsync(() -> Api.refund(p.id(), 500));
    awaitWaiting();
    upstream.settle(p, PaymentView.SUCCESS);
    assertEquals(201, answer.get().statusCode());
  }

  @Test
  void listingTheRefundsOfAPaymentNotSeenYetWaitsForIt() throws Exception {
    PaymentView p = Upstream.newPayment(20_000);
    CompletableFuture<Response> answer =
        CompletableFuture.supplyAsync(() -> Api.merchant().get(Api.refundsOf(p.id())));
    awaitWaiting();
    upstream.created(p);
    Response r = answer.get();
    assertEquals(200, r.statusCode(), r.asString());
    assertEquals(0, r.jsonPath().getInt("total"));
  }

  @Test
  void anUnknownPaymentIs503RatherThan404WhilePaymentEventsAreNotRead() throws Exception {
    PaymentView p = Upstream.newPayment(10_000);
    refundIs503UntilPublishedEventsAreRead(
        p,
        () -> {
          upstream.created(p);
          upstream.settle(p, PaymentView.SUCCESS);
        });
  }

  @Test
  void aPaymentSeenPendingIs503RatherThan400WhileItsOutcomeIsNotRead() throws Exception {
    PaymentView p = pendingPayment();
    // The client reads success; this service has not.
    refundIs503UntilPublishedEventsAreRead(p, () -> upstream.settle(p, PaymentView.SUCCESS));
  }

  @Test
  void aPaymentSeenPendingIs503RatherThan400WhilePaymentsServiceCannotPublish() {
    PaymentView p = pendingPayment();
    String instance = "held-back-" + UUID.randomUUID();
    // payments-service reports a committed event waiting 5 s to be published (its outbox held
    // back): the outcome the client may have read has not even reached the stream.
    report(instance, 5_000);
    try {
      assertRefundIs503WhileBehind(p);
    } finally {
      report(instance, 0);
    }
    // Publishing again, and the payment still pending: then it is not refundable.
    assertFalse(behind(p));
    Api.refund(p.id(), 100)
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Payment not in refundable state"));
  }

  @Test
  void whilePaymentsServiceIsSilentAnUnseenPaymentIs503RatherThan404() {
    PaymentView p = pendingPayment();
    await().atMost(Duration.ofSeconds(5)).until(() -> !behind(p));
    // payments-service stops reporting (cut off from Redis, or killed just after a commit): what it
    // committed before a request began may not be published, and nothing says it is.
    upstream.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> behind(p));
    Api.refund("pay_NoSuchPayment123", 100)
        .then()
        .statusCode(503)
        .header("Retry-After", notNullValue())
        .body("error.code", equalTo("SERVICE_UNAVAILABLE"));
    assertRefundIs503WhileBehind(p);
    // Reporting again, with nothing waiting: unknown is unknown, pending is not refundable.
    upstream.reporting(vertx);
    assertFalse(behind(p));
    Api.refund("pay_NoSuchPayment123", 100).then().statusCode(404);
    Api.refund(p.id(), 100)
        .then()
        .statusCode(400)
        .body("error.description", equalTo("Payment not in refundable state"));
  }

  @Test
  void theLastLookAtTheDeadlineReadsAgainOnlyOnceEveryPublishedEventIsHandled() {
    PaymentView p = pendingPayment();
    await().atMost(Duration.ofSeconds(5)).until(() -> !behind(p));
    AtomicInteger reads = new AtomicInteger();
    Supplier<Uni<String>> lastRead =
        () -> {
          reads.incrementAndGet();
          return Uni.createFrom().item("read then");
        };
    // Caught up: the answer is a read made after the check (so an event the check found handled
    // shows in it), not one made before.
    Uni<String> look = sightings.lastLook(p.id(), lastRead);
    assertEquals(0, reads.get(), "nothing is read before the check");
    assertEquals("read then", look.await().atMost(Duration.ofSeconds(5)));
    assertEquals(1, reads.get());
    // Behind (payments-service holds an event back): 503, and nothing is read.
    String instance = "held-back-" + UUID.randomUUID();
    report(instance, 5_000);
    try {
      ApiException refused =
          assertThrows(
              ApiException.class,
              () -> sightings.lastLook(p.id(), lastRead).await().atMost(Duration.ofSeconds(5)));
      assertEquals(503, refused.status());
      assertEquals(1, reads.get());
    } finally {
      report(instance, 0);
    }
  }

  @Test
  void aReportMadeAMomentAgoCountsTheWaitSinceItWasMade() throws InterruptedException {
    PaymentView p = pendingPayment();
    await().atMost(Duration.ofSeconds(5)).until(() -> !behind(p)); // its events handled
    String instance = "held-back-" + UUID.randomUUID();
    try {
      // Just made: an event waiting 1 s was committed after a request now at its deadline (2 s)
      // began, so that request did not depend on it.
      report(instance, 1_000);
      assertFalse(behind(p));
      // The same report 1.3 s later (reports come every half second): by now that event has waited
      // 2.3 s, so it was committed before such a request began, and may be what its client read.
      Thread.sleep(1_300);
      assertRefundIs503WhileBehind(p);
    } finally {
      report(instance, 0);
    }
  }

  @Test
  void aGroupWithEveryEventDeliveredIsNotBehindWhateverItsLagSays() {
    PaymentView p = pendingPayment();
    await().atMost(Duration.ofSeconds(5)).until(() -> !behind(p));
    // As after Redis reloaded a rewritten append-only file: every entry delivered to the group,
    // but its count of entries read left behind, so that its lag stays above zero.
    String delivered = refundGroup().lastDeliveredId();
    send(
        Request.cmd(Command.XGROUP)
            .arg("SETID")
            .arg(Streams.PAYMENT_EVENTS)
            .arg(Streams.REFUND_SERVICE)
            .arg(delivered)
            .arg("ENTRIESREAD")
            .arg(1));
    assertTrue(refundGroup().lag() > 0, "a stale lag");

    assertFalse(behind(p));
    // An unknown payment is unknown (after the wait for news), not "catching up" for ever.
    Api.refund("pay_NoSuchPayment123", 100).then().statusCode(404);
  }

  private RedisStreams.GroupInfo refundGroup() {
    return streams
        .group(Streams.PAYMENT_EVENTS, Streams.REFUND_SERVICE)
        .await()
        .atMost(Duration.ofSeconds(5));
  }

  private void send(Request request) {
    streams.redis().send(request).await().atMost(Duration.ofSeconds(5));
  }

  /** A payment this service has seen created and pending. */
  private PaymentView pendingPayment() {
    PaymentView p = Upstream.newPayment(10_000);
    upstream.created(p);
    upstream.awaitStatus(p.id(), PaymentView.PENDING);
    return p;
  }

  /** This service counts itself behind about {@code p}, and a refund of it is 503 meanwhile. */
  private void assertRefundIs503WhileBehind(PaymentView p) {
    assertTrue(behind(p));
    Api.refund(p.id(), 100)
        .then()
        .statusCode(503)
        .header("Retry-After", notNullValue())
        .body("error.code", equalTo("SERVICE_UNAVAILABLE"));
  }

  private boolean behind(PaymentView p) {
    return paymentEvents.behind(p.id()).await().atMost(Duration.ofSeconds(5));
  }

  private void report(String instance, long outboxWaitingMillis) {
    StatusPublisher.add(
            streams,
            new ServiceStatus(
                Streams.PAYMENTS_SERVICE,
                instance,
                Instant.now(),
                true,
                JobCounts.ZERO,
                outboxWaitingMillis))
        .await()
        .atMost(Duration.ofSeconds(5));
  }

  /**
   * With this service's reading of payment events stopped, what {@code publish} sends leaves it
   * behind: a refund of {@code p} is 503 then, and accepted once reading resumes.
   */
  private void refundIs503UntilPublishedEventsAreRead(PaymentView p, Runnable publish)
      throws InterruptedException {
    StreamConsumer consumer = paymentEvents.consumer();
    consumer.stop();
    try {
      Thread.sleep(2_500); // a read that was already waiting when it stopped has returned
      publish.run();
      assertRefundIs503WhileBehind(p);
    } finally {
      consumer.start();
    }
    upstream.awaitStatus(p.id(), PaymentView.SUCCESS);
    await().atMost(Duration.ofSeconds(5)).until(() -> !behind(p));
    Api.refund(p.id(), 100).then().statusCode(201);
  }

  /**
   * Under steady traffic a check often finds the group an entry or two short of the stream's
   * newest, which it reads a moment later: that is no reason to answer 503.
   */
  @Test
  void aGroupAMomentShortOfTheStreamIsNotBehind() throws Exception {
    PaymentView p = pendingPayment();
    await().atMost(Duration.ofSeconds(5)).until(() -> !behind(p));
    StreamConsumer consumer = paymentEvents.consumer();
    consumer.stop();
    boolean started = false;
    try {
      Thread.sleep(2_500); // a read that was already waiting when it stopped has returned
      upstream.created(Upstream.newPayment(10_000)); // another payment's events, not yet read
      CompletableFuture<Boolean> check = paymentEvents.behind(p.id()).subscribeAsCompletionStage();
      consumer.start();
      started = true;
      assertFalse(check.get(5, TimeUnit.SECONDS), "the group read them a moment later");
    } finally {
      if (!started) {
        consumer.start();
      }
    }
  }

  @Test
  void eventsReadButNotYetHandledCountAsBehind() {
    String group = Streams.REFUND_SERVICE;
    String consumerName = "crashed-" + UUID.randomUUID();
    PaymentView p = Upstream.newPayment(10_000);
    PaymentView other = Upstream.newPayment(10_000);
    StreamConsumer consumer = paymentEvents.consumer();
    consumer.stop();
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> !behind(p) && !behind(other));
      upstream.created(p);
      // Another instance reads the event: nothing is left undelivered (no lag), but the event is
      // pending until it is handled.
      List<StreamEntry> read =
          streams
              .readGroup(Streams.PAYMENT_EVENTS, group, consumerName, 1000, 0, ">")
              .await()
              .atMost(Duration.ofSeconds(5));
      assertFalse(read.isEmpty());
      // Being handled (just read): behind about that payment, not about another one.
      assertTrue(behind(p));
      assertFalse(behind(other));
      // Unhandled for as long as a request waits (that instance died, say): behind about any.
      await().atMost(Duration.ofSeconds(10)).until(() -> behind(other));
      // Once handled (here: acknowledged), it is not behind any more.
      streams
          .ack(Streams.PAYMENT_EVENTS, group, read.stream().map(StreamEntry::id).toList())
          .await()
          .atMost(Duration.ofSeconds(5));
      assertFalse(behind(p));
      assertFalse(behind(other));
    } finally {
      consumer.start();
    }
  }

  @Test
  void lateRepeatedAndReorderedEventsNeverMoveAPaymentBack() {
    PaymentView p = Upstream.newPayment(20_000);
    PaymentView success = Upstream.with(p, PaymentView.SUCCESS, false);
    upstream.send(EventType.PAYMENT_SUCCESS, success); // overtakes created and pending
    upstream.awaitStatus(p.id(), PaymentView.SUCCESS);
    upstream.awaitApplied(upstream.send(EventType.PAYMENT_CREATED, p));
    upstream.awaitApplied(upstream.send(EventType.PAYMENT_PENDING, p));
    assertEquals("success", status(p.id()));

    String captured =
        upstream.send(EventType.PAYMENT_CAPTURED, Upstream.with(p, PaymentView.SUCCESS, true));
    upstream.awaitApplied(captured);
    upstream.awaitApplied(upstream.send(EventType.PAYMENT_SUCCESS, success));
    assertEquals(true, db.value("SELECT captured FROM refunds.payments WHERE id = ?", p.id()));
    assertEquals("success", status(p.id()));
    Api.refund(p.id(), 20_000).then().statusCode(201);
  }

  @Test
  void anEventDeliveredAgainIsNotAppliedAgain() {
    UUID id = UUID.randomUUID();
    String key = "key_dup_" + id;
    upstream.merchant(id, "Twice Shop", key, "secret_zero");
    Instant at = Timestamps.now().plusSeconds(5);
    // Two events of one version (as all events written before versions existed) in one second:
    // the later one wins.
    String first = upstream.rotate(id, key, "secret_a", at, 0L);
    upstream.rotate(id, key, "secret_b", at, 0L);
    await().atMost(Duration.ofSeconds(2)).until(() -> canList(key, "secret_b"));
    // The first rotation is delivered again: by its id it was applied already, so it is skipped
    // (were it merged again, its equal version would put secret_a back).
    upstream.redeliver(Streams.MERCHANT_EVENTS, first);
    assertTrue(canList(key, "secret_b"));
    assertFalse(canList(key, "secret_a"));
  }

  @Test
  void theProjectionIsRebuiltFromTheStreamsKeepingRefundedTotals() {
    PaymentView p = upstream.succeeded(10_000);
    Api.refund(p.id(), 3_000).then().statusCode(201);
    // Lose the projection row (a restored backup, an operator's mistake)...
    db.update("DELETE FROM refunds.payments WHERE id = ?", p.id());
    // ...with more applied event ids remembered than one statement forgets...
    sql(
        "INSERT INTO refunds.processed_events (event_id) SELECT 'evt_replay' || i"
            + " FROM generate_series(1, "
            + (2 * Purge.BATCH + 500)
            + ") i");
    // ...and replay the streams from their start.
    rebuild.replay().await().atMost(Duration.ofSeconds(30));
    assertEquals(
        0L,
        count("SELECT count(*) FROM refunds.processed_events WHERE event_id LIKE 'evt_replay%'"));
    assertEquals(
        0L, count("SELECT count(*) FROM refunds.projection_state WHERE rebuild_requested"));
    upstream.awaitStatus(p.id(), PaymentView.SUCCESS);
    assertEquals(3_000, db.number("SELECT refunded FROM refunds.payments WHERE id = ?", p.id()));
    Api.refund(p.id(), 7_001).then().statusCode(400);
    Api.refund(p.id(), 7_000).then().statusCode(201);
    assertTrue(db.number("SELECT count(*) FROM refunds.merchants") >= 1);
  }

  private static boolean canList(String key, String secret) {
    return Api.as(key, secret).get("/api/v1/refunds").statusCode() == 200;
  }

  private String status(String paymentId) {
    return (String) db.value("SELECT status FROM refunds.payments WHERE id = ?", paymentId);
  }

  /** Until the request sent is waiting for news of its payment, which is what is tested. */
  private void awaitWaiting() {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .pollInterval(java.time.Duration.ofMillis(10))
        .until(() -> sightings.waiting() > 0);
  }
}
