package io.paystream.refunds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.refunds.Api;
import io.paystream.refunds.UpstreamTest;
import io.paystream.shared.event.PaymentView;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Refunds whose jobs were lost are processed from PostgreSQL, a backlog of them in one sweep. */
@QuarkusTest
class OverdueRefundsTest extends UpstreamTest {
  @Inject RefundFinisher finisher;

  @Test
  void aBacklogOfRefundsWhoseJobsWereLostIsProcessedInOneSweep() {
    PaymentView p = upstream.succeeded(1_000_000);
    String first = Api.refund(p.id(), 100).then().statusCode(201).extract().path("id");
    // A thousand more of its refunds, accepted while Redis was out of reach: pending long past
    // their due time, with no job.
    db.update(
        "INSERT INTO refunds.refunds (id, payment_id, merchant_id, amount, status, process_after,"
            + " created_at) SELECT 'rfnd_sweep' || lpad(i::text, 6, '0'), payment_id, merchant_id,"
            + " 1, 'pending', now() - interval '1 hour', now() - interval '1 hour'"
            + " FROM refunds.refunds, generate_series(1, 1000) i WHERE id = ?",
        first);
    finisher.finishOverdue(30_000).await().atMost(Duration.ofSeconds(60));
    assertEquals(
        0,
        db.number(
            "SELECT count(*) FROM refunds.refunds WHERE id LIKE 'rfnd_sweep%'"
                + " AND status = 'pending'"));
  }
}
