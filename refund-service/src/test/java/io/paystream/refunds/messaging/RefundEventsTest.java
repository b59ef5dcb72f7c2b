package io.paystream.refunds.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.refunds.Api;
import io.paystream.refunds.StreamReader;
import io.paystream.refunds.Upstream;
import io.paystream.refunds.UpstreamTest;
import io.paystream.refunds.config.RefundsConfig;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.testing.StatusAssertions;
import io.paystream.shared.time.Timestamps;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What refund-service tells the others: refund.created and refund.processed on the refund events
 * stream, in the shape payments-service reads to keep {@code amount_refunded}; its jobs; its
 * heartbeat.
 */
@QuarkusTest
class RefundEventsTest extends UpstreamTest {
  @Inject RefundsConfig config;

  @Test
  void createdThenProcessedOnceEachCarryingTheRefundAsTheApiShowsIt() {
    PaymentView p = upstream.succeeded(10_000);
    Response created =
        Api.merchant()
            .header("X-Request-Id", "req-events-test-1")
            .body(Api.body(2_500, "Customer requested"))
            .post(Api.refundsOf(p.id()));
    assertEquals(201, created.statusCode());
    String id = created.path("id");
    Api.awaitStatus(id, "processed");
    List<EventEnvelope> events = awaitEvents(id, 2);
    assertEquals(EventType.REFUND_CREATED, events.get(0).type());
    assertEquals(EventType.REFUND_PROCESSED, events.get(1).type());
    for (EventEnvelope e : events) {
      assertTrue(e.id().matches("evt_[A-Za-z0-9]{16}"));
      assertEquals(Upstream.TEST_MERCHANT.toString(), e.merchantId());
    }
    assertEquals("req-events-test-1", events.get(0).requestId());

    // refund.created carries the exact body of the 201: what payments-service adds to the
    // payment's amount_refunded (payment_id, amount), once per event id.
    RefundView inCreated = RefundView.fromEventData(events.get(0).data());
    assertArrayEquals(created.asByteArray(), inCreated.toBytes());
    assertEquals(p.id(), inCreated.paymentId());
    assertEquals(2_500, inCreated.amount());

    RefundView inProcessed = RefundView.fromEventData(events.get(1).data());
    assertEquals("processed", inProcessed.status());
    assertNotNull(inProcessed.processedAt());
    assertEquals(
        Api.merchant().get("/api/v1/refunds/" + id).then().extract().path("processed_at"),
        Timestamps.format(inProcessed.processedAt()));

    List<EventEnvelope> jobs = StreamReader.aboutRefund(streams, Streams.REFUND_JOBS, id);
    assertEquals(1, jobs.size());
    assertEquals(EventType.REFUND_PROCESS, jobs.get(0).type());
  }

  @Test
  void aRefundWhoseJobWasLostIsProcessedFromPostgresql() {
    PaymentView p = upstream.succeeded(10_000);
    // A refund accepted long ago whose job never reached Redis (trimmed, dead-lettered).
    db.update("UPDATE refunds.payments SET refunded = refunded + 700 WHERE id = ?", p.id());
    db.update(
        "INSERT INTO refunds.refunds (id, payment_id, merchant_id, amount, reason, status,"
            + " process_after, created_at) VALUES ('rfnd_lostjob000000001', ?, ?, 700, null,"
            + " 'pending', now() - interval '1 minute', now() - interval '1 minute')",
        p.id(),
        Upstream.TEST_MERCHANT);
    var processed = Api.awaitStatus("rfnd_lostjob000000001", "processed");
    assertNotNull(processed.getString("processed_at"));
    assertNull(processed.get("reason"));
    List<EventEnvelope> events = awaitEvents("rfnd_lostjob000000001", 1);
    assertEquals(EventType.REFUND_PROCESSED, events.get(0).type());
  }

  @Test
  void heartbeatsReportTheRefundQueue() {
    PaymentView p = upstream.succeeded(10_000);
    String id = Api.refund(p.id(), 100).then().statusCode(201).extract().path("id");
    Api.awaitStatus(id, "processed");
    // Once nothing moves, the report matches the refunds table: pending ones, processed ones.
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              ServiceStatus s = latestStatus();
              return s != null
                  && s.workerRunning()
                  && s.counts().completed() >= 1
                  && s.counts().completed() == count("processed")
                  && s.counts().pending() == count("pending");
            });
    ServiceStatus s = latestStatus();
    assertEquals("refunds-test", s.instance());
    assertEquals(0, s.counts().failed());
  }

  @Test
  void theCountsThisInstanceReportsAreReadEveryHalfSecond() throws Exception {
    StatusAssertions.assertCountsReadEveryHalfSecond(
        streams, Streams.REFUND_SERVICE, config.instanceId());
  }

  private long count(String status) {
    return db.number("SELECT count(*) FROM refunds.refunds WHERE status = ?", status);
  }

  private ServiceStatus latestStatus() {
    List<EventEnvelope> reports = StreamReader.events(streams, Streams.SERVICE_STATUS);
    for (int i = reports.size() - 1; i >= 0; i--) {
      ServiceStatus s = ServiceStatus.read(reports.get(i));
      if (Streams.REFUND_SERVICE.equals(s.service())) {
        return s;
      }
    }
    return null;
  }

  private List<EventEnvelope> awaitEvents(String refundId, int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                StreamReader.aboutRefund(streams, Streams.REFUND_EVENTS, refundId).size() >= count);
    List<EventEnvelope> events = StreamReader.aboutRefund(streams, Streams.REFUND_EVENTS, refundId);
    assertEquals(count, events.size(), "each event exactly once");
    return events;
  }
}
