package io.paystream.refunds;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.PaymentView;
import io.paystream.shared.testing.TcpProxy;
import io.paystream.shared.testing.TestDatabases;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away (cut behind a proxy, the real server untouched): every refund route answers
 * 503 SERVICE_UNAVAILABLE with Retry-After, never a 500 nor a 404 for what could not be read, and
 * changes nothing; once the database is back the service serves again, a key refused during the
 * outage works as new, and a refund accepted before the outage is processed.
 */
class DatabaseOutageIT {
  /** How long the accepted refund takes: past the warm-up and the first requests of the outage. */
  private static final long DELAY_MILLIS = 12_000;

  /** How long shared-model's authenticator trusts a merchant's cached credentials. */
  private static final long CREDENTIALS_CACHED_MILLIS = 5_000;

  @Test
  void aMissingDatabaseIs503AndAcceptedRefundsAreProcessedAfterwards() throws Exception {
    try (ItInfra infra = ItInfra.prepare();
        TcpProxy proxy = TestDatabases.proxy();
        Upstream upstream = infra.upstream();
        ServiceProcess app =
            infra.start(
                "db-outage",
                Map.of(
                    "DATABASE_URL", infra.databaseUrlVia(proxy),
                    "TEST_PROCESSING_DELAY", Long.toString(DELAY_MILLIS),
                    // The sweeper of overdue refunds kept out of the way: the worker that held
                    // the job when the outage began is what must process it afterwards.
                    "PAYSTREAM_WORKER_SWEEP_GRACE", "10m"))) {
      upstream.withTestMerchant();
      PaymentView p = upstream.succeeded(10_000);
      String accepted =
          Api.merchantAt(app.url())
              .body(Api.body(1_000, null))
              .post(Api.refundsOf(p.id()))
              .then()
              .statusCode(201)
              .extract()
              .path("id");
      long acceptedAt = System.currentTimeMillis();
      String key = "during-outage-" + UUID.randomUUID();
      String body = Api.body(2_000, "asked during the outage");
      // Past the 5 s for which a merchant's credentials are cached, so that the next request reads
      // them afresh and the first requests of the outage are answered past authentication.
      Thread.sleep(CREDENTIALS_CACHED_MILLIS + 200);
      long readAfresh = System.nanoTime();
      Api.merchantAt(app.url()).get("/api/v1/refunds").then().statusCode(200);

      proxy.cut();
      assertEquals("pending", statusOf(infra, accepted), "the outage began before it was due");
      assertEveryRouteUnavailable(app, p.id(), accepted, key, body);
      long answeredWithin = (System.nanoTime() - readAfresh) / 1_000_000;
      assertTrue(
          answeredWithin < CREDENTIALS_CACHED_MILLIS - 500,
          "answered "
              + answeredWithin
              + " ms after the credentials were read: maybe not past them");
      // Then with the credentials to be read again; and the outage outlasts the accepted refund's
      // due time, so its worker fails to process it and must try again once the database is back.
      Thread.sleep(Math.max(0, acceptedAt + DELAY_MILLIS + 2_000 - System.currentTimeMillis()));
      assertEveryRouteUnavailable(app, p.id(), accepted, key, body);
      // Read past the proxy: nothing the refused requests asked for was done.
      assertEquals("pending", statusOf(infra, accepted));
      assertEquals(1, refundsOf(infra, p.id()));
      assertEquals(
          1_000, infra.db().number("SELECT refunded FROM refunds.payments WHERE id = ?", p.id()));

      proxy.restore();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Api.merchantAt(app.url()).get("/api/v1/refunds/" + accepted).statusCode() == 200);
      Api.awaitStatusAt(app.url(), accepted, "processed", Duration.ofSeconds(30));
      // The key refused during the outage was never stored: it creates its refund now, once.
      Response created = post(app, key, p.id(), body);
      assertEquals(201, created.statusCode(), created.asString());
      assertNull(created.header("Idempotent-Replayed"));
      Response replayed = post(app, key, p.id(), body);
      assertEquals(201, replayed.statusCode(), replayed.asString());
      assertEquals("true", replayed.header("Idempotent-Replayed"));
      assertEquals(created.asString(), replayed.asString());
      assertEquals(2, refundsOf(infra, p.id()));
      assertEquals(
          3_000, infra.db().number("SELECT refunded FROM refunds.payments WHERE id = ?", p.id()));
      Api.merchantAt(app.url())
          .body(Api.body(100, null))
          .post(Api.refundsOf(p.id()))
          .then()
          .statusCode(201);
      Api.merchantAt(app.url()).get(Api.refundsOf(p.id())).then().statusCode(200);
      Api.merchantAt(app.url()).get("/api/v1/refunds").then().statusCode(200);
    }
  }

  /** Every refund route of the merchant, with and without an Idempotency-Key: 503. */
  private static void assertEveryRouteUnavailable(
      ServiceProcess app, String paymentId, String refundId, String key, String body) {
    Map<String, Function<RequestSpecification, Response>> routes =
        Map.of(
            "POST refunds",
            as -> as.body(body).post(Api.refundsOf(paymentId)),
            "POST refunds with Idempotency-Key",
            as -> as.header("Idempotency-Key", key).body(body).post(Api.refundsOf(paymentId)),
            "GET refund",
            as -> as.get("/api/v1/refunds/" + refundId),
            "GET payment's refunds",
            as -> as.get(Api.refundsOf(paymentId)),
            "GET refunds",
            as -> as.get("/api/v1/refunds"));
    routes.forEach((name, call) -> assertUnavailable(name, call.apply(Api.merchantAt(app.url()))));
  }

  /** 503 with Retry-After and the error body of API.md, nothing else in it. */
  private static void assertUnavailable(String route, Response r) {
    assertEquals(503, r.statusCode(), route + ": " + r.asString());
    assertEquals("5", r.header("Retry-After"), route);
    assertEquals("application/json", r.contentType().split(";")[0], route);
    assertEquals(Set.of("error"), r.jsonPath().getMap("$").keySet(), route);
    assertEquals(Set.of("code", "description"), r.jsonPath().getMap("error").keySet(), route);
    assertEquals("SERVICE_UNAVAILABLE", r.path("error.code"), route);
  }

  private static Response post(ServiceProcess app, String key, String paymentId, String body) {
    return Api.merchantAt(app.url())
        .header("Idempotency-Key", key)
        .body(body)
        .post(Api.refundsOf(paymentId));
  }

  private static Object statusOf(ItInfra infra, String refundId) {
    return infra.db().value("SELECT status FROM refunds.refunds WHERE id = ?", refundId);
  }

  private static long refundsOf(ItInfra infra, String paymentId) {
    return infra
        .db()
        .number("SELECT count(*) FROM refunds.refunds WHERE payment_id = ?", paymentId);
  }
}
