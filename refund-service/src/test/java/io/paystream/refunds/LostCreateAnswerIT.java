package io.paystream.refunds;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.PaymentView;
import io.paystream.shared.testing.StatementBreaker;
import io.restassured.response.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The connection to PostgreSQL breaks around a refund's creation statement. When PostgreSQL
 * committed it and only its answer was lost, the client gets the refund (201), never a 503 that
 * would invite it to refund the customer again; when the statement never reached PostgreSQL, 503
 * and nothing done; when the outcome cannot be learnt, a 500 that says the refund may exist (not a
 * 504, which the Kubernetes Ingress would replace with its own page).
 */
class LostCreateAnswerIT {
  private static final long AMOUNT = 3_000;

  /** The service's PostgreSQL connections, through a proxy that breaks the one statement. */
  private static final class App implements AutoCloseable {
    final ItInfra infra = ItInfra.prepare();
    final StatementBreaker breaker;
    final Upstream upstream;
    final ServiceProcess app;

    App(String name) throws Exception {
      breaker = new StatementBreaker();
      upstream = infra.upstream();
      app =
          infra.start(
              name,
              Map.of(
                  "DATABASE_URL",
                  breaker.databaseUrl("paystream_refunds_it"),
                  "TEST_PROCESSING_DELAY",
                  "500"));
      upstream.withTestMerchant(); // once the service has made its tables
    }

    /** POSTs a refund whose statement the breaker breaks as {@code fault} says. */
    Response refundBroken(String paymentId, String key, StatementBreaker.Fault fault) {
      // The merchant's credentials read now: the request below reaches its statement.
      Api.merchantAt(app.url()).get("/api/v1/refunds").then().statusCode(200);
      String reason = "broken " + UUID.randomUUID();
      breaker.arm(reason, fault);
      return post(paymentId, key, reason);
    }

    Response post(String paymentId, String key, String reason) {
      var spec = Api.merchantAt(app.url()).body(Api.body(AMOUNT, reason));
      if (key != null) {
        spec = spec.header("Idempotency-Key", key);
      }
      return spec.post(Api.refundsOf(paymentId));
    }

    long refunds(String paymentId) {
      return infra
          .db()
          .number("SELECT count(*) FROM refunds.refunds WHERE payment_id = ?", paymentId);
    }

    long refunded(String paymentId) {
      return infra.db().number("SELECT refunded FROM refunds.payments WHERE id = ?", paymentId);
    }

    @Override
    public void close() throws IOException {
      app.close();
      upstream.close();
      breaker.close();
      infra.close();
    }
  }

  @Test
  void aCommittedRefundWhoseAnswerIsLostIsAnswered201AndNotDoneTwice() throws Exception {
    try (App a = new App("lost-answer")) {
      PaymentView p = a.upstream.succeeded(10_000);
      Response first = a.refundBroken(p.id(), null, StatementBreaker.Fault.ANSWER_LOST);
      // The merchant acts on the answer as API.md says: a 503 changed nothing, so it sends the
      // refund again; a 201 is its refund.
      Response kept = first;
      for (int i = 0; i < 3 && kept.statusCode() == 503; i++) {
        Thread.sleep(1_000);
        kept = a.post(p.id(), null, "sent again after " + kept.statusCode());
      }
      String id = first.statusCode() == 201 ? first.path("id") : null;
      assertAll(
          () -> assertEquals(201, first.statusCode(), first.asString()),
          () -> assertEquals(1, a.breaker.broken(), "the statement's answer was lost"),
          () -> assertEquals(1, a.refunds(p.id()), "refunds of the payment"),
          () -> assertEquals(AMOUNT, a.refunded(p.id()), "refunded total"));
      assertEquals(AMOUNT, first.jsonPath().getLong("amount"));
      assertEquals("pending", first.path("status"));
      assertEquals(p.id(), first.path("payment_id"));
      assertNull(first.header("Idempotent-Replayed"));
      assertEquals(
          id, a.infra.db().value("SELECT id FROM refunds.refunds WHERE payment_id = ?", p.id()));
      // The refund is what GET answers, and its job and events were stored with it: it is
      // processed.
      Api.awaitStatusAt(a.app.url(), id, "processed", Duration.ofSeconds(30));
      // A second request without a key is a second refund (API.md): the first counts against the
      // payment's amount, once.
      Response second = a.post(p.id(), null, "a second refund");
      assertEquals(201, second.statusCode(), second.asString());
      assertEquals(2, a.refunds(p.id()));
      assertEquals(2 * AMOUNT, a.refunded(p.id()));
      Response third =
          Api.merchantAt(a.app.url())
              .body(Api.body(10_000 - 2 * AMOUNT + 1, null))
              .post(Api.refundsOf(p.id()));
      assertEquals(400, third.statusCode(), third.asString());
      assertEquals("Refund amount exceeds available amount", third.path("error.description"));
    }
  }

  @Test
  void withAKeyTheLostAnswerIsTheOneItsReplayGives() throws Exception {
    try (App a = new App("lost-answer-key")) {
      PaymentView p = a.upstream.succeeded(10_000);
      String key = "lost-answer-" + UUID.randomUUID();
      Response first = a.refundBroken(p.id(), key, StatementBreaker.Fault.ANSWER_LOST);
      assertEquals(1, a.breaker.broken());
      assertEquals(201, first.statusCode(), first.asString());
      assertNull(first.header("Idempotent-Replayed"));
      Response replay = a.post(p.id(), key, a.breaker.lastMarker());
      assertEquals(201, replay.statusCode(), replay.asString());
      assertEquals("true", replay.header("Idempotent-Replayed"));
      assertEquals(first.asString(), replay.asString(), "the same bytes");
      assertEquals(1, a.refunds(p.id()));
      assertEquals(AMOUNT, a.refunded(p.id()));
    }
  }

  @Test
  void aStatementThatNeverReachedTheDatabaseIs503AndNothingDone() throws Exception {
    try (App a = new App("lost-request")) {
      PaymentView p = a.upstream.succeeded(10_000);
      Response first = a.refundBroken(p.id(), null, StatementBreaker.Fault.REQUEST_LOST);
      assertEquals(1, a.breaker.broken(), "the statement was kept from the database");
      assertErrorBody(first, 503, "SERVICE_UNAVAILABLE");
      assertEquals("5", first.header("Retry-After"));
      assertEquals(0, a.refunds(p.id()));
      assertEquals(0, a.refunded(p.id()));
      // As the 503 invites: sent again, it is done, once.
      Response again = a.post(p.id(), null, "sent again");
      assertEquals(201, again.statusCode(), again.asString());
      assertEquals(1, a.refunds(p.id()));
      assertEquals(AMOUNT, a.refunded(p.id()));
    }
  }

  @Test
  void anOutcomeThatCannotBeLearntIs500NamingTheRefundNotA503() throws Exception {
    try (App a = new App("lost-database")) {
      PaymentView p = a.upstream.succeeded(10_000);
      String key = "lost-database-" + UUID.randomUUID();
      long started = System.nanoTime();
      Response first = a.refundBroken(p.id(), key, StatementBreaker.Fault.DATABASE_GONE);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(1, a.breaker.broken());
      assertErrorBody(first, 500, "SERVER_ERROR");
      assertNull(first.header("Retry-After"));
      assertTrue(tookMillis < 10_000, "answered after " + tookMillis + " ms");
      String description = first.path("error.description");
      assertTrue(description.contains("may have been created"), description);
      assertTrue(description.contains("Idempotency-Key"), description);
      // It was: the refund the description names exists, and the key replays its creation.
      String id = description.replaceAll("(?s).*refund (rfnd_\\S+) may.*", "$1");
      Thread.sleep(StatementBreaker.GONE_MILLIS);
      assertEquals(1, a.refunds(p.id()));
      assertEquals(
          id, a.infra.db().value("SELECT id FROM refunds.refunds WHERE payment_id = ?", p.id()));
      Response replay = a.post(p.id(), key, a.breaker.lastMarker());
      assertEquals(201, replay.statusCode(), replay.asString());
      assertEquals("true", replay.header("Idempotent-Replayed"));
      assertEquals(id, replay.path("id"));
      assertEquals(AMOUNT, a.refunded(p.id()));
    }
  }

  /** The status, and API.md's error body with this code and nothing else. */
  private static void assertErrorBody(Response r, int status, String code) {
    assertEquals(status, r.statusCode(), r.asString());
    assertEquals(Set.of("error"), r.jsonPath().getMap("$").keySet());
    assertEquals(code, r.path("error.code"));
  }
}
