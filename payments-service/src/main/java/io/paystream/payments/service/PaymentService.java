package io.paystream.payments.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.PendingPayment;
import io.paystream.payments.repository.PaymentAcceptRepository;
import io.paystream.payments.repository.PaymentAcceptRepository.Accept;
import io.paystream.payments.repository.PaymentAcceptRepository.Acceptance;
import io.paystream.payments.repository.PaymentAcceptRepository.Verdict;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.id.Ids;
import io.paystream.shared.idempotency.IdempotencyClaim;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.Batcher;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.web.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Accepting payments: validate, draw the bank's answer, and in one statement read the order and
 * store the payment with its events, its job and its idempotent response. Processing happens later,
 * in the worker.
 *
 * <p>A merchant's payment costs that one statement (after its key's claim, with a key): the order's
 * amount and currency, which the response and events carry, are filled in by the statement that
 * reads the order. Requests that arrive together share their statements: the acceptances of
 * requests that arrive while one runs go out as the next one ({@link Batcher}, at most {@value
 * #MAX_BATCH} per statement and {@value #MAX_CONCURRENT} statement of each kind at a time), and so
 * do the checkout page's order lookups. Alone, a request runs its statement at once; under load, a
 * statement and its commit serve many requests.
 */
@ApplicationScoped
public class PaymentService {
  static final int MAX_BATCH = 128;
  static final int MAX_CONCURRENT = 1;

  private final DatabaseClock clock;
  private final PaymentAcceptRepository payments;
  private final IdempotentRun idempotent;
  private final BankSimulator bank;
  private final OutboxRelay relay;
  private final Batcher<String, UUID> merchants;
  private final Batcher<Accept, Acceptance> accepts;
  private final Vertx vertx;

  public PaymentService(
      PaymentAcceptRepository payments,
      IdempotentRun idempotent,
      BankSimulator bank,
      OutboxRelay relay,
      Vertx vertx,
      DatabaseClock clock) {
    this.clock = clock;
    this.payments = payments;
    this.idempotent = idempotent;
    this.bank = bank;
    this.relay = relay;
    this.vertx = vertx;
    this.merchants =
        new Batcher<>(
            MAX_BATCH,
            MAX_CONCURRENT,
            ids ->
                payments
                    .orderMerchants(ids)
                    .map(found -> ids.stream().map(found::get).collect(Collectors.toList())));
    this.accepts = new Batcher<>(MAX_BATCH, MAX_CONCURRENT, this::acceptAll);
  }

  /** A merchant's payment. */
  public Uni<ApiResponse> create(
      Caller caller, String idempotencyKey, ObjectNode body, String path) {
    String key = IdempotencyKeys.validate(idempotencyKey);
    byte[] fingerprint = idempotent.fingerprint("POST", path, body);
    PaymentRequest request;
    try {
      request = PaymentRequest.parse(body, PaymentRequest.currentMonth());
    } catch (ApiException refusal) {
      return refusedUnlessStored(caller.merchantId(), key, fingerprint, refusal);
    }
    return idempotent.runClaiming(
        caller.merchantId(),
        key,
        fingerprint,
        storing -> accept(caller.merchantId(), request, caller.requestId(), storing));
  }

  /** A shopper's payment from the checkout page: the order decides the merchant. */
  public Uni<ApiResponse> createPublic(
      String idempotencyKey, ObjectNode body, String path, String requestId) {
    String key = IdempotencyKeys.shopperScoped(IdempotencyKeys.validate(idempotencyKey));
    byte[] fingerprint = idempotent.fingerprint("POST", path, body);
    PaymentRequest request;
    try {
      request = PaymentRequest.parse(body, PaymentRequest.currentMonth());
    } catch (ApiException refusal) {
      // As for a merchant's payment, a stored answer comes before the verdict; the order, when
      // it names one, tells whose key it is.
      JsonNode orderId = body.get("order_id");
      if (key == null || orderId == null || !orderId.isTextual()) {
        return Uni.createFrom().failure(refusal);
      }
      return merchants
          .submit(orderId.textValue())
          .chain(
              merchantId ->
                  merchantId == null
                      ? Uni.createFrom().failure(refusal)
                      : refusedUnlessStored(merchantId, key, fingerprint, refusal));
    }
    return merchants
        .submit(request.orderId())
        .chain(
            merchantId -> {
              if (merchantId == null) {
                return Uni.createFrom().failure(OrderService.notFound());
              }
              return idempotent.runClaiming(
                  merchantId,
                  key,
                  fingerprint,
                  storing -> accept(merchantId, request, requestId, storing));
            });
  }

  /**
   * A request the rules refuse: its verdict is given only once the key is claimed, so that a stored
   * answer is replayed whatever the rules now say.
   */
  private Uni<ApiResponse> refusedUnlessStored(
      UUID merchantId, String key, byte[] fingerprint, ApiException refusal) {
    return idempotent.run(
        merchantId,
        key,
        fingerprint,
        storing -> {
          throw refusal;
        });
  }

  /**
   * Accepts a payment on the merchant's order. The order is read by the accepting statement, which
   * fills its amount and currency into the payment, its events and its stored response. With a
   * response that claims its key, emits {@code null} when the statement neither claimed the key nor
   * found it held (see {@link IdempotentRun#runClaiming}).
   */
  private Uni<ApiResponse> accept(
      UUID merchantId, PaymentRequest request, String requestId, IdempotentRun.Storing storing) {
    Instant now = clock.now();
    // Amount and currency unknown until the statement reads the order: written as slots.
    PaymentView view =
        PaymentView.accepted(
            Ids.payment(),
            request.orderId(),
            merchantId.toString(),
            0,
            null,
            request.method(),
            request.vpa(),
            request.cardNetwork(),
            request.cardLast4(),
            now);
    PaymentOutcome outcome = bank.decide(request);
    PendingPayment pending = new PendingPayment(view, outcome, now.plusMillis(bank.delayMillis()));
    OutboxSql events =
        new OutboxSql(view.merchantId(), requestId, now)
            .add(
                Streams.PAYMENT_EVENTS,
                EventType.PAYMENT_CREATED,
                view::writeEventDataAwaitingOrder)
            .add(
                Streams.PAYMENT_EVENTS,
                EventType.PAYMENT_PENDING,
                view::writeEventDataAwaitingOrder)
            .add(Streams.PAYMENT_JOBS, EventType.PAYMENT_PROCESS, pending::writeAwaitingOrder);
    // The stored response has the slots too; the one sent is written once the order is read.
    StoredResponse stored =
        storing.response(201, () -> view.writeAwaitingOrder(new JsonWriter()).toBytes());
    Accept accept = new Accept(pending, events, stored);
    return lookedUpIfLost(submitted(accept), accept)
        .map(
            acceptance ->
                switch (acceptance.verdict()) {
                  case ACCEPTED ->
                      ApiResponse.created(
                          view.withOrderTerms(acceptance.amount(), acceptance.currency())
                              .toBytes());
                  case KEY_HELD ->
                      IdempotentRun.answer(acceptance.held().claimFor(stored.fingerprint()));
                  case KEY_UNSETTLED -> null;
                  // It outlived its key's lease: another request answers for the key now.
                  case KEY_LOST -> throw IdempotencyStore.refusal(IdempotencyClaim.IN_FLIGHT);
                  case ORDER_BUSY ->
                      throw ApiException.badRequest(
                          "Order already has a payment in progress or is paid", "order_id");
                  case ORDER_PAID ->
                      throw ApiException.badRequest("Order is already paid", "order_id");
                  case ORDER_UNKNOWN -> throw OrderService.notFound();
                  case NOT_TRIED -> throw new IllegalStateException("submitted until tried");
                });
  }

  /**
   * The acceptance a statement gave, or, when its answer was lost with its connection, the one a
   * look for the payment finds ({@link InDoubt}): a 503 for a payment that was made would tell the
   * merchant nothing was done while the shopper is charged.
   */
  private Uni<Acceptance> lookedUpIfLost(Uni<Acceptance> statement, Accept a) {
    return statement.plug(
        InDoubt.lookedUp(
            vertx,
            InDoubt.Subject.creation("payment", a.pending().payment().id(), "/api/v1/payments/"),
            () -> payments.accepted(a)));
  }

  /**
   * The acceptance of {@code a}, submitted again, ahead of the requests that came after it, for as
   * long as its batch leaves it out.
   */
  private Uni<Acceptance> submitted(Accept a) {
    return settled(a, accepts.submit(a));
  }

  private Uni<Acceptance> settled(Accept a, Uni<Acceptance> acceptance) {
    return acceptance.chain(
        answer ->
            answer.verdict() == Verdict.NOT_TRIED
                ? settled(a, accepts.submitFirst(a))
                : Uni.createFrom().item(answer));
  }

  /**
   * One statement for a batch whose orders, and keys to claim, are distinct. A later payment for an
   * order already in the batch is left out ({@link Verdict#NOT_TRIED}) and submitted again, to a
   * later batch: it then gets the answer its own statement gives (busy behind the first, paid, or
   * unknown), and a failure of that statement cannot take back the answers of this one, whose
   * payments are already committed. A later payment claiming a key already claimed in the batch is
   * answered from what the statement read when an earlier request holds the key (replays of one key
   * cost one statement), and left to a claim otherwise, which finds what the first left.
   */
  private Uni<List<Acceptance>> acceptAll(List<Accept> batch) {
    List<Accept> distinct = new ArrayList<>(batch.size());
    List<Accept> later = new ArrayList<>();
    Set<String> orderIds = new HashSet<>();
    Map<List<Object>, Accept> firstWithKey = new HashMap<>();
    Map<Accept, Accept> sameKey = new IdentityHashMap<>();
    for (Accept a : batch) {
      StoredResponse claim = a.response();
      Accept first =
          claim != null && claim.claimsKey()
              ? firstWithKey.putIfAbsent(List.of(claim.merchantId(), claim.key()), a)
              : null;
      if (first != null) {
        sameKey.put(a, first);
      } else {
        (orderIds.add(a.pending().payment().orderId()) ? distinct : later).add(a);
      }
    }
    return payments
        .accept(distinct)
        .map(
            results -> {
              if (results.stream().anyMatch(r -> r.verdict() == Verdict.ACCEPTED)) {
                relay.kick();
              }
              Map<Accept, Acceptance> byAccept = new IdentityHashMap<>();
              for (int i = 0; i < distinct.size(); i++) {
                byAccept.put(distinct.get(i), results.get(i));
              }
              sameKey.forEach(
                  (a, first) -> {
                    Acceptance firsts = byAccept.get(first); // none yet if it went later
                    byAccept.put(
                        a,
                        firsts != null && firsts.verdict() == Verdict.KEY_HELD
                            ? firsts
                            : Acceptance.refused(Verdict.KEY_UNSETTLED));
                  });
              later.forEach(a -> byAccept.put(a, Acceptance.refused(Verdict.NOT_TRIED)));
              List<Acceptance> out = new ArrayList<>(batch.size());
              batch.forEach(a -> out.add(byAccept.get(a)));
              return out;
            });
  }
}
