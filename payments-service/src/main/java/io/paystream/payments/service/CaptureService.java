package io.paystream.payments.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.repository.PaymentReadRepository;
import io.paystream.payments.repository.PaymentRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.id.Ids;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.web.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Capturing a successful payment, once, for exactly its amount. */
@ApplicationScoped
public class CaptureService {
  private static final int ATTEMPTS = 3;

  private final DatabaseClock clock;
  private final PaymentRepository payments;
  private final PaymentReadRepository reads;
  private final IdempotentRun idempotent;
  private final OutboxRelay relay;
  private final Vertx vertx;

  public CaptureService(
      PaymentRepository payments,
      PaymentReadRepository reads,
      IdempotentRun idempotent,
      OutboxRelay relay,
      Vertx vertx,
      DatabaseClock clock) {
    this.clock = clock;
    this.payments = payments;
    this.reads = reads;
    this.idempotent = idempotent;
    this.relay = relay;
    this.vertx = vertx;
  }

  public Uni<ApiResponse> capture(
      Caller caller, String paymentId, String idempotencyKey, ObjectNode body, String path) {
    String key = IdempotencyKeys.validate(idempotencyKey);
    byte[] fingerprint = idempotent.fingerprint("POST", path, body);
    return idempotent.run(
        caller.merchantId(),
        key,
        fingerprint,
        storing -> attempt(caller, paymentId, body.get("amount"), storing, ATTEMPTS));
  }

  private Uni<ApiResponse> attempt(
      Caller caller, String paymentId, JsonNode amount, IdempotentRun.Storing storing, int left) {
    if (!Ids.plausible(paymentId)) {
      throw PaymentQueries.notFound();
    }
    return reads
        .find(paymentId, caller.merchantId())
        .chain(
            seen -> {
              if (seen == null) {
                throw PaymentQueries.notFound();
              }
              // A payment refunded in full has nothing left to capture.
              if (!PaymentView.SUCCESS.equals(seen.status())
                  || seen.captured()
                  || seen.amountRefunded() >= seen.amount()) {
                throw ApiException.badRequest("Payment not in capturable state");
              }
              checkAmount(amount, seen.amount());
              Instant now = clock.now();
              PaymentView captured = capturedView(seen, now);
              byte[] response = captured.toBytes();
              OutboxSql events =
                  new OutboxSql(seen.merchantId(), caller.requestId(), now)
                      .add(
                          Streams.PAYMENT_EVENTS,
                          EventType.PAYMENT_CAPTURED,
                          captured::writeEventData);
              return payments
                  .capture(seen, now, events, storing.response(200, response))
                  .plug(
                      InDoubt.lookedUp(
                          vertx,
                          new InDoubt.Subject(
                              "payment " + paymentId,
                              "captured",
                              InDoubt.Subject.lookUp(
                                  "/api/v1/payments/" + paymentId,
                                  "\"captured\": false if it was not")),
                          () -> payments.captured(paymentId, now),
                          true))
                  .chain(
                      done -> {
                        if (done) {
                          relay.kick();
                          return Uni.createFrom().item(ApiResponse.ok(response));
                        }
                        if (left <= 1) {
                          throw ApiException.badRequest("Payment not in capturable state");
                        }
                        // Changed between our read and write (a refund arrived): read again.
                        return attempt(caller, paymentId, amount, storing, left - 1);
                      });
            });
  }

  private static void checkAmount(JsonNode amount, long expected) {
    if (amount == null || amount.isNull()) {
      throw ApiException.badRequest("amount is required", "amount");
    }
    if (!amount.isIntegralNumber()) {
      // "50000" or 50000.5: that it is not the payment's amount would not say what is wrong.
      throw ApiException.badRequest("amount must be an integer", "amount");
    }
    if (!amount.canConvertToLong() || amount.longValue() != expected) {
      throw ApiException.badRequest(
          "amount must equal the payment amount of " + expected, "amount");
    }
  }

  private static PaymentView capturedView(PaymentView p, Instant now) {
    return new PaymentView(
        p.id(),
        p.orderId(),
        p.merchantId(),
        p.amount(),
        p.currency(),
        p.method(),
        p.vpa(),
        p.cardNetwork(),
        p.cardLast4(),
        p.status(),
        true,
        p.errorCode(),
        p.errorDescription(),
        p.amountRefunded(),
        p.createdAt(),
        now);
  }
}
