package io.paystream.payments.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.Order;
import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.PendingPayment;
import io.paystream.payments.repository.PaymentRepository;
import io.paystream.payments.repository.PaymentRepository.PayableOrder;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.id.Ids;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.stream.Failures;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.paystream.shared.web.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Accepting payments: validate, draw the bank's answer, and in one statement store the payment with
 * its events, its job and its idempotent response. Processing happens later, in the worker.
 */
@ApplicationScoped
public class PaymentService {
  private final PaymentRepository payments;
  private final IdempotentRun idempotent;
  private final BankSimulator bank;
  private final OutboxRelay relay;

  public PaymentService(
      PaymentRepository payments, IdempotentRun idempotent, BankSimulator bank, OutboxRelay relay) {
    this.payments = payments;
    this.idempotent = idempotent;
    this.bank = bank;
    this.relay = relay;
  }

  /** A merchant's payment. */
  public Uni<ApiResponse> create(
      Caller caller, String idempotencyKey, ObjectNode body, String path) {
    String key = IdempotencyKeys.validate(idempotencyKey);
    byte[] fingerprint = IdempotencyKeys.fingerprint("POST", path, body);
    return idempotent.run(
        caller.merchantId(),
        key,
        fingerprint,
        storing -> {
          PaymentRequest request = PaymentRequest.parse(body, PaymentRequest.currentMonth());
          return payments
              .payableOrder(request.orderId())
              .chain(
                  order ->
                      accept(caller.merchantId(), order, request, caller.requestId(), storing));
        });
  }

  /** A shopper's payment from the checkout page: the order decides the merchant. */
  public Uni<ApiResponse> createPublic(
      String idempotencyKey, ObjectNode body, String path, String requestId) {
    String key = IdempotencyKeys.validate(idempotencyKey);
    byte[] fingerprint = IdempotencyKeys.fingerprint("POST", path, body);
    PaymentRequest request = PaymentRequest.parse(body, PaymentRequest.currentMonth());
    return payments
        .payableOrder(request.orderId())
        .chain(
            order -> {
              if (order == null) {
                return Uni.createFrom().failure(OrderService.notFound());
              }
              return idempotent.run(
                  order.merchantId(),
                  key,
                  fingerprint,
                  storing -> accept(order.merchantId(), order, request, requestId, storing));
            });
  }

  private Uni<ApiResponse> accept(
      UUID merchantId,
      PayableOrder order,
      PaymentRequest request,
      String requestId,
      IdempotentRun.Storing storing) {
    if (order == null || !order.merchantId().equals(merchantId)) {
      throw OrderService.notFound();
    }
    if (Order.PAID.equals(order.status())) {
      throw ApiException.badRequest("Order is already paid", "order_id");
    }
    Instant now = Timestamps.now();
    PaymentView view =
        PaymentView.accepted(
            Ids.payment(),
            order.id(),
            merchantId.toString(),
            order.amount(),
            order.currency(),
            request.method(),
            request.vpa(),
            request.cardNetwork(),
            request.cardLast4(),
            now);
    PaymentOutcome outcome = bank.decide(request);
    PendingPayment pending = new PendingPayment(view, outcome, now.plusMillis(bank.delayMillis()));
    byte[] response = view.toBytes();
    OutboxSql events =
        new OutboxSql(view.merchantId(), requestId)
            .add(Streams.PAYMENT_EVENTS, EventType.PAYMENT_CREATED, view::writeEventData)
            .add(Streams.PAYMENT_EVENTS, EventType.PAYMENT_PENDING, view::writeEventData)
            .add(Streams.PAYMENT_JOBS, EventType.PAYMENT_PROCESS, pending::write);
    return payments
        .create(pending, events, storing.response(201, response))
        .onFailure(e -> Failures.isUniqueViolation(e, null))
        .transform(
            e ->
                ApiException.badRequest(
                    "Order already has a payment in progress or is paid", "order_id"))
        .map(
            created -> {
              if (!created) {
                throw ApiException.badRequest("Order is already paid", "order_id");
              }
              relay.kick();
              return ApiResponse.created(response);
            });
  }
}
