package io.paystream.payments.repository;

import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.PendingPayment;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.InDoubt;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Accepting payments: the orders' merchants, and the statement that stores new payments. */
@ApplicationScoped
public class PaymentAcceptRepository {
  private final Pool pool;

  public PaymentAcceptRepository(Pool pool) {
    this.pool = pool;
  }

  /** The merchants of orders, by order id; unknown ids are absent. */
  public Uni<Map<String, UUID>> orderMerchants(List<String> ids) {
    return pool.preparedQuery(
            "SELECT id, merchant_id FROM " + Tables.ORDERS + " WHERE id = ANY($1::text[])")
        .execute(Tuple.of(ids.toArray(String[]::new)))
        .map(
            rows -> {
              Map<String, UUID> found = new HashMap<>();
              for (Row r : rows) {
                found.put(r.getString("id"), r.getUUID("merchant_id"));
              }
              return found;
            });
  }

  /**
   * A payment to accept: the payment with its drawn outcome, its events and, for a request with an
   * idempotency key, the response to store. The payment's amount and currency are its order's, read
   * by the accepting statement: those it carries are ignored, and its events and response are
   * written with {@link PaymentView#AMOUNT_SLOT} and {@link PaymentView#CURRENCY_SLOT} where the
   * order's amount and currency go. {@code sentIn} is the statement it was last sent in, for the
   * look made should that statement's answer be lost ({@link #accepted}).
   */
  public record Accept(
      PendingPayment pending, OutboxSql events, StoredResponse response, SentIn sentIn) {
    public Accept(PendingPayment pending, OutboxSql events, StoredResponse response) {
      this(pending, events, response, new SentIn());
    }
  }

  /** The rows the accepting statement a payment was last sent in locks ({@link Locks}). */
  public static final class SentIn {
    private volatile Locks locks;
  }

  /**
   * The rows an accepting statement locks: the orders of its batch, in the order it locks them (the
   * payment's own and the others'), and before them, should one of the batch's keys have been
   * claimed before, those keys' rows ({@code keyMerchants}, {@code keys}, of {@code keyStore}).
   */
  private record Locks(
      String[] orderIds, IdempotencyStore keyStore, UUID[] keyMerchants, String[] keys) {}

  /** What became of a payment to accept. */
  public enum Verdict {
    /** Stored, with its events and response. */
    ACCEPTED,
    /** Not stored: the order has a pending payment. */
    ORDER_BUSY,
    /** Not stored: the order is paid. */
    ORDER_PAID,
    /** Not stored: the merchant has no such order. */
    ORDER_UNKNOWN,
    /** Not stored: its key, which it was to claim, is held by an earlier request. */
    KEY_HELD,
    /**
     * Not stored, for a payment that was to claim its key: the key was taken while the statement
     * ran, or the payment was refused. Its key must be claimed before its answer is known.
     */
    KEY_UNSETTLED,
    /**
     * Not stored, for a payment whose key was claimed before: the claim is gone (the request
     * outlived its lease, and another took the key over or released it).
     */
    KEY_LOST,
    /**
     * Not in the statement: its batch already had a payment for its order. It is submitted again,
     * ahead of the requests that came after it, to a later batch, so that a failure of that
     * statement cannot take back the answers of this one. The service gives this verdict; the
     * statement never does.
     */
    NOT_TRIED
  }

  /**
   * A payment's verdict and, when it was accepted, the order's amount and currency it took; when
   * its key is held, what the earlier request left there.
   */
  public record Acceptance(
      Verdict verdict, long amount, String currency, IdempotencyStore.Held held) {
    public static Acceptance refused(Verdict verdict) {
      return new Acceptance(verdict, 0, null, null);
    }
  }

  /**
   * The acceptance of the payment {@code a}, or {@code null} when it was not made: asked about the
   * {@link #accept} statement it was last sent in, whose answer was lost with its connection, which
   * PostgreSQL may have committed or may still be running. Every row that statement locks is locked
   * first, in the order it locks them (it holds each until it commits or aborts), so that the
   * payment is read only once such a statement has ended: the payment's own order alone would not
   * do, for a statement that still waits for a row it locks earlier, held by another transaction
   * (an earlier order of its batch, or the row of a key claimed before), has not reached it yet.
   */
  public Uni<Acceptance> accepted(Accept a) {
    PaymentView payment = a.pending().payment();
    Locks sent = a.sentIn().locks;
    String[] orders = sent != null ? sent.orderIds() : new String[] {payment.orderId()};
    return InDoubt.lockingLook(
        pool,
        conn ->
            (sent == null || sent.keys().length == 0
                    ? Uni.createFrom().voidItem()
                    : conn.preparedQuery(sent.keyStore().lockKeysSql())
                        .execute(Tuple.of(sent.keyMerchants(), sent.keys()))
                        .replaceWithVoid())
                .chain(
                    () ->
                        conn.preparedQuery(
                                "SELECT 1 FROM "
                                    + Tables.ORDERS
                                    + " WHERE id = ANY($1) ORDER BY id COLLATE \"C\" FOR SHARE")
                            .execute(Tuple.of(orders)))
                .chain(
                    () ->
                        conn.preparedQuery(
                                "SELECT amount, currency FROM "
                                    + Tables.PAYMENTS
                                    + " WHERE id = $1 AND merchant_id = $2")
                            .execute(Tuple.of(payment.id(), UUID.fromString(payment.merchantId()))))
                .map(
                    rows -> {
                      Row r = rows.size() == 1 ? rows.iterator().next() : null;
                      return r == null
                          ? null
                          : new Acceptance(
                              Verdict.ACCEPTED, r.getLong("amount"), r.getString("currency"), null);
                    }));
  }

  /** How many times a statement claiming keys runs again after losing a race for one. */
  private static final int CLAIMING_RETRIES = 3;

  /**
   * Accepts payments in one statement: reads and locks their orders (the merchant's own, not paid),
   * marks them attempted, adds each payment whose order has no pending one with the order's amount
   * and currency, and fills those into its events (one outbox row) and idempotent response. Emits
   * one {@link Acceptance} per payment, in the batch's order. Orders must be distinct, and so must
   * the keys of payments that claim theirs ({@link StoredResponse#claimsKey}).
   *
   * <p>A payment that claims its key is made only if its statement claims the key, and the key is
   * claimed only if the payment is made: the statement reads the keys first, leaves out the
   * payments whose key exists, and claims the keys of the payments it made. A key held by an
   * earlier request is answered from what it holds ({@link Verdict#KEY_HELD}); one taken while the
   * statement ran fails it, and it runs again. A payment whose key was claimed before is made only
   * while that claim holds the key ({@link Verdict#KEY_LOST} otherwise).
   */
  public Uni<List<Acceptance>> accept(List<Accept> batch) {
    int n = batch.size();
    // The statement locks the orders in the order of its rows: in id order, as finishing does (by
    // the ids' bytes: ASCII, so Java's order of code units), so that the two never wait for each
    // other's locks in a cycle.
    List<Accept> inIdOrder = new ArrayList<>(batch);
    inIdOrder.sort(Comparator.comparing(a -> a.pending().payment().orderId()));
    String[] ids = new String[n];
    String[] orderIds = new String[n];
    UUID[] merchants = new UUID[n];
    String[] methods = new String[n];
    String[] vpas = new String[n];
    String[] networks = new String[n];
    String[] last4s = new String[n];
    String[] planned = new String[n];
    String[] plannedCodes = new String[n];
    String[] plannedDescriptions = new String[n];
    OffsetDateTime[] due = new OffsetDateTime[n];
    OffsetDateTime[] created = new OffsetDateTime[n];
    UUID[] keyMerchants = new UUID[n];
    String[] keys = new String[n];
    Integer[] statuses = new Integer[n];
    String[] bodies = new String[n];
    OffsetDateTime[] leases = new OffsetDateTime[n];
    Buffer[] fingerprints = new Buffer[n];
    List<String> eventPayments = new ArrayList<>(n * 3);
    List<String> eventStreams = new ArrayList<>(n * 3);
    List<String> eventPayloads = new ArrayList<>(n * 3);
    IdempotencyStore keyStore = null;
    boolean claiming = false;
    // The keys claimed before, whose rows the statement locks ahead of the orders.
    List<UUID> leasedKeyMerchants = new ArrayList<>();
    List<String> leasedKeys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Accept a = inIdOrder.get(i);
      PaymentView v = a.pending().payment();
      PaymentOutcome outcome = a.pending().outcome();
      ids[i] = v.id();
      orderIds[i] = v.orderId();
      merchants[i] = UUID.fromString(v.merchantId());
      methods[i] = v.method();
      vpas[i] = v.vpa();
      networks[i] = v.cardNetwork();
      last4s[i] = v.cardLast4();
      planned[i] = outcome.status();
      plannedCodes[i] = outcome.errorCode();
      plannedDescriptions[i] = outcome.errorDescription();
      due[i] = Rows.timestamp(a.pending().dueAt());
      created[i] = Rows.timestamp(v.createdAt());
      StoredResponse r = a.response();
      if (r != null) {
        keyStore = r.store();
        keyMerchants[i] = r.merchantId();
        keys[i] = r.key();
        statuses[i] = r.status();
        bodies[i] = new String(r.body(), StandardCharsets.UTF_8);
        if (r.claimsKey()) {
          claiming = true;
          fingerprints[i] = Buffer.buffer(r.fingerprint());
        } else {
          leases[i] = r.lease();
          leasedKeyMerchants.add(r.merchantId());
          leasedKeys.add(r.key());
        }
      }
      String[] streams = a.events().streams();
      String[] payloads = a.events().payloads();
      for (int e = 0; e < streams.length; e++) {
        eventPayments.add(v.id());
        eventStreams.add(streams[e]);
        eventPayloads.add(payloads[e]);
      }
    }
    Locks locks =
        new Locks(
            orderIds,
            keyStore,
            leasedKeyMerchants.toArray(UUID[]::new),
            leasedKeys.toArray(String[]::new));
    for (Accept a : batch) {
      a.sentIn().locks = locks;
    }
    List<Object> args =
        new ArrayList<>(
            List.of(
                ids,
                orderIds,
                merchants,
                methods,
                vpas,
                networks,
                last4s,
                planned,
                plannedCodes,
                plannedDescriptions,
                due,
                created,
                eventPayments.toArray(String[]::new),
                eventStreams.toArray(String[]::new),
                eventPayloads.toArray(String[]::new)));
    if (keyStore != null) {
      args.addAll(List.of(keyMerchants, keys, statuses, bodies, leases));
    }
    if (claiming) {
      args.add(fingerprints);
    }
    boolean leased = !leasedKeys.isEmpty();
    Uni<RowSet<Row>> run =
        pool.preparedQuery(AcceptStatement.sql(keyStore, claiming, leased))
            .execute(Tuple.from(args));
    if (claiming) {
      // A key taken after the statement's snapshot fails it before anything is stored: it runs
      // again and then reads the key.
      IdempotencyStore store = keyStore;
      run = run.onFailure(store::isKeyTaken).retry().atMost(CLAIMING_RETRIES);
    }
    return run.map(
        rows -> {
          Map<String, Row> byId = new HashMap<>();
          for (Row r : rows) {
            byId.put(r.getString("id"), r);
          }
          List<Acceptance> out = new ArrayList<>(n);
          for (Accept a : batch) {
            StoredResponse r = a.response();
            out.add(
                acceptance(
                    byId.get(a.pending().payment().id()),
                    r != null && r.claimsKey(),
                    r != null && !r.claimsKey()));
          }
          return out;
        });
  }

  /**
   * A payment's verdict; {@code claiming} when it was to claim its key, {@code leased} when its key
   * was claimed before.
   */
  private static Acceptance acceptance(Row r, boolean claiming, boolean leased) {
    if (r.getBoolean("accepted")) {
      return new Acceptance(Verdict.ACCEPTED, r.getLong("amount"), r.getString("currency"), null);
    }
    if (leased && r.getBoolean("key_lost")) {
      return Acceptance.refused(Verdict.KEY_LOST);
    }
    if (!claiming) {
      if (r.getBoolean("open")) {
        return Acceptance.refused(Verdict.ORDER_BUSY);
      }
      return Acceptance.refused(r.getBoolean("known") ? Verdict.ORDER_PAID : Verdict.ORDER_UNKNOWN);
    }
    var held = r.getBuffer("held_fingerprint");
    if (held == null) {
      return Acceptance.refused(Verdict.KEY_UNSETTLED);
    }
    var body = r.getBuffer("held_body");
    return new Acceptance(
        Verdict.KEY_HELD,
        0,
        null,
        new IdempotencyStore.Held(
            held.getBytes(), r.getInteger("held_status"), body == null ? null : body.getBytes()));
  }
}
