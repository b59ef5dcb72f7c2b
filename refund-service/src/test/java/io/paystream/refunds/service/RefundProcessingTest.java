package io.paystream.refunds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.refunds.Api;
import io.paystream.refunds.RefundJob;
import io.paystream.refunds.StreamReader;
import io.paystream.refunds.Upstream;
import io.paystream.refunds.UpstreamTest;
import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.repository.RefundRepository;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.stream.Streams;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a refund is processed: not before its processing delay has passed (3-5 s, the test profile's
 * TEST_PROCESSING_DELAY here), and once only, however many times its job is handled.
 */
@QuarkusTest
class RefundProcessingTest extends UpstreamTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Inject RefundFinisher finisher;
  @Inject RefundRepository refunds;
  @Inject RefundsConfig config;

  @Test
  void aRefundIsProcessedNoSoonerThanItsProcessingDelay() {
    long delay = config.processing().testDelay();
    assertTrue(delay >= 200, "the test profile gives refunds a processing delay to observe");
    PaymentView p = upstream.succeeded(10_000);
    String id = Api.refund(p.id(), 1_000).then().statusCode(201).extract().path("id");
    Api.awaitStatus(id, "processed");
    // The API shows whole seconds; the table keeps microseconds.
    long tookMillis =
        db.number(
            "SELECT floor(extract(epoch FROM processed_at - created_at) * 1000)::bigint"
                + " FROM refunds.refunds WHERE id = ?",
            id);
    assertTrue(
        tookMillis >= delay - 5,
        "processed " + tookMillis + " ms after it was accepted, sooner than its " + delay + " ms");
  }

  @Test
  void aJobHandledAgainAfterTheRefundWasProcessedChangesNothing() throws InterruptedException {
    PaymentView p = upstream.succeeded(10_000);
    String id = Api.refund(p.id(), 1_000).then().statusCode(201).extract().path("id");
    Api.awaitStatus(id, "processed");
    Object processedAt = processedAt(id);

    RefundView seen = refunds.find(id, Upstream.TEST_MERCHANT).await().atMost(WAIT);
    RefundView asAccepted =
        new RefundView(
            seen.id(),
            seen.paymentId(),
            seen.merchantId(),
            seen.amount(),
            seen.reason(),
            RefundView.PENDING,
            seen.createdAt(),
            null);
    // The same job again, as a worker gets it when it was redelivered (its first worker died
    // before acknowledging it) or when the overdue sweep and a worker meet.
    boolean again =
        finisher
            .finish(new RefundJob(asAccepted, seen.createdAt()), "req-redelivered")
            .await()
            .atMost(WAIT);
    assertFalse(again, "a refund already processed is not processed again");

    Thread.sleep(1_500); // time for the relay to publish whatever that wrote
    assertEquals(processedAt, processedAt(id), "the refund keeps its first processed_at");
    List<EventEnvelope> events = StreamReader.aboutRefund(streams, Streams.REFUND_EVENTS, id);
    assertEquals(
        1,
        events.stream().filter(e -> e.type() == EventType.REFUND_PROCESSED).count(),
        "refund.processed is published once");
  }

  private Object processedAt(String id) {
    return db.value("SELECT processed_at::text FROM refunds.refunds WHERE id = ?", id);
  }
}
