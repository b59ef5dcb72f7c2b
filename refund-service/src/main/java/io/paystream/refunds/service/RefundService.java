package io.paystream.refunds.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.refunds.RefundJob;
import io.paystream.refunds.repository.RefundRepository;
import io.paystream.refunds.repository.RefundRepository.Admission;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.RefundView;
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
import java.util.UUID;
import java.util.function.Function;

/**
 * Accepting refunds: validate, then one statement that raises the payment's refunded total under
 * the never-over-refund guard and stores the refund with its events, its job and its idempotent
 * response. When the guard refuses, the payment as that statement saw it tells why; a payment this
 * service has not heard of yet, or still sees pending, is waited for (see {@link PaymentSightings})
 * before the answer is final.
 *
 * <p>When that statement's answer is lost with its connection, PostgreSQL may have committed it:
 * the refund is looked for by its id before the answer ({@link InDoubt}), the payment's row locked
 * first, so that a creation PostgreSQL is still running ends before the look.
 */
@ApplicationScoped
public class RefundService {
  static final String NOT_REFUNDABLE = "Payment not in refundable state";
  static final String EXCEEDS = "Refund amount exceeds available amount";

  private final DatabaseClock clock;
  private final RefundRepository refunds;
  private final IdempotentRun idempotent;
  private final PaymentSightings sightings;
  private final ProcessingSchedule schedule;
  private final OutboxRelay relay;
  private final MeterRegistry metrics;
  private final Vertx vertx;

  public RefundService(
      RefundRepository refunds,
      IdempotentRun idempotent,
      PaymentSightings sightings,
      ProcessingSchedule schedule,
      OutboxRelay relay,
      MeterRegistry metrics,
      Vertx vertx,
      DatabaseClock clock) {
    this.clock = clock;
    this.refunds = refunds;
    this.idempotent = idempotent;
    this.sightings = sightings;
    this.schedule = schedule;
    this.relay = relay;
    this.metrics = metrics;
    this.vertx = vertx;
  }

  /** {@code POST /api/v1/payments/{id}/refunds}. */
  public Uni<ApiResponse> create(
      Caller caller, String paymentId, String idempotencyKey, ObjectNode body, String path) {
    String key = IdempotencyKeys.validate(idempotencyKey);
    byte[] fingerprint = idempotent.fingerprint("POST", path, body);
    long deadline = sightings.deadline();
    return idempotent.run(
        caller.merchantId(),
        key,
        fingerprint,
        storing -> {
          RefundRequest request = RefundRequest.parse(body);
          if (!Ids.looksLike(Ids.PAYMENT, paymentId)) {
            throw PaymentSightings.notFound();
          }
          return attempt(caller, paymentId, request, storing, deadline, false);
        });
  }

  private Uni<ApiResponse> attempt(
      Caller caller,
      String paymentId,
      RefundRequest request,
      IdempotentRun.Storing storing,
      long deadline,
      boolean last) {
    Instant now = clock.now();
    RefundView refund =
        new RefundView(
            Ids.refund(),
            paymentId,
            caller.merchantId().toString(),
            request.amount(),
            request.reason(),
            RefundView.PENDING,
            now,
            null);
    RefundJob job = new RefundJob(refund, now.plusMillis(schedule.delayMillis()));
    byte[] response = refund.toBytes();
    OutboxSql events =
        new OutboxSql(refund.merchantId(), caller.requestId(), now)
            .add(Streams.REFUND_EVENTS, EventType.REFUND_CREATED, refund::writeEventData)
            .add(Streams.REFUND_JOBS, EventType.REFUND_PROCESS, job::write);
    return refunds
        .create(job, events, storing.response(201, response))
        .plug(lookedUp(refund, caller.merchantId()))
        .chain(
            admission -> {
              if (admission.created()) {
                relay.kick();
                count("created");
                return Uni.createFrom().item(ApiResponse.created(response));
              }
              boolean known = caller.merchantId().equals(admission.paymentOwner());
              boolean pending = known && "pending".equals(admission.paymentStatus());
              if (known && !pending) {
                throw refused(admission);
              }
              if (last) {
                // Still pending here, or unknown, with every published event seen: so it is.
                count(known ? "not_refundable" : "unknown_payment");
                throw known ? ApiException.badRequest(NOT_REFUNDABLE) : PaymentSightings.notFound();
              }
              if (PaymentSightings.passed(deadline)) {
                return sightings.lastLook(
                    paymentId, () -> attempt(caller, paymentId, request, storing, deadline, true));
              }
              return sightings
                  .awaitNews(paymentId, caller.merchantId(), true, deadline)
                  .chain(() -> attempt(caller, paymentId, request, storing, deadline, false));
            });
  }

  /**
   * A creation whose answer was lost: found, it was committed, with its events, its job and its
   * key's response, and the refund was created (see {@link InDoubt}).
   */
  private Function<Uni<Admission>, Uni<Admission>> lookedUp(RefundView refund, UUID merchantId) {
    Function<Uni<Admission>, Uni<Admission>> lookedUp =
        InDoubt.lookedUp(
            vertx,
            InDoubt.Subject.creation("refund", refund.id(), "/api/v1/refunds/"),
            () -> refunds.exists(refund.id(), refund.paymentId(), merchantId),
            new Admission(true, merchantId, "success"));
    return statement ->
        lookedUp
            .apply(statement)
            .onFailure(InDoubt::isUnknownOutcome)
            .invoke(() -> count("in_doubt"));
  }

  /** Why the guard refused a payment that is known and settled. */
  private ApiException refused(Admission admission) {
    if ("success".equals(admission.paymentStatus())) {
      // Success is final, so only the total can have stopped it (perhaps raised by a concurrent
      // refund after this statement's snapshot, which is why the snapshot's total is not used).
      count("exceeds");
      return ApiException.badRequest(EXCEEDS, "amount");
    }
    count("not_refundable");
    return ApiException.badRequest(NOT_REFUNDABLE);
  }

  private void count(String outcome) {
    metrics.counter("paystream.refunds.requests", "outcome", outcome).increment();
  }
}
