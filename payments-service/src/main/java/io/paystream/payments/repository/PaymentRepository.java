package io.paystream.payments.repository;

import io.paystream.payments.PaymentOutcome;
import io.paystream.payments.PendingPayment;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Payment writes: creation, finishing, capture, refunds applied; and what the sweeper reads. */
@ApplicationScoped
public class PaymentRepository {
  static final String VIEW_COLUMNS =
      "id, order_id, merchant_id, amount, currency, method, vpa, card_network, card_last4, status,"
          + " captured, error_code, error_description, amount_refunded, created_at, updated_at";
  private static final String PENDING_COLUMNS =
      VIEW_COLUMNS
          + ", planned_status, planned_error_code, planned_error_description, process_after";

  private final Pool pool;

  public PaymentRepository(Pool pool) {
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
   * order's amount and currency go.
   */
  public record Accept(PendingPayment pending, OutboxSql events, StoredResponse response) {}

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
    KEY_LOST
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

  /** How many times a statement claiming keys runs again after losing a race for one. */
  private static final int CLAIMING_RETRIES = 3;

  /**
   * Accepts payments in one statement: reads and locks their orders (the merchant's own, not paid),
   * marks them attempted, adds each payment whose order has no pending one with the order's amount
   * and currency, and fills those into its events (one outbox row) and idempotent response. Emits
   * one {@link Acceptance} per payment, in order. Orders must be distinct, and so must the keys of
   * payments that claim theirs ({@link StoredResponse#claimsKey}).
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
    boolean leased = false;
    for (int i = 0; i < n; i++) {
      Accept a = batch.get(i);
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
          leased = true;
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
    Uni<RowSet<Row>> run =
        pool.preparedQuery(acceptSql(keyStore, claiming, leased)).execute(Tuple.from(args));
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
          for (int i = 0; i < n; i++) {
            out.add(acceptance(byId.get(ids[i]), fingerprints[i] != null, leases[i] != null));
          }
          return out;
        });
  }

  /**
   * The accepting statement. {@code b} is the batch, with each payment's key and response when
   * there are {@code keys}, and the lease of a key claimed before; with {@code claiming}, a payment
   * that claims its key carries its fingerprint instead, and {@code b} reads what the key holds.
   * With {@code leased} (some keys were claimed before), {@code kh} locks the keys claimed before
   * that their leases still hold. {@code o} marks the merchant's unpaid orders attempted (and locks
   * them), skipping the payments whose key exists or whose claim is gone; {@code p} adds the
   * payments of orders with no pending one; {@code ev} writes their events; {@code kc} claims the
   * keys of the payments added, storing each response with the order's terms filled in, and {@code
   * ik} stores the responses of keys claimed before.
   */
  static String acceptSql(IdempotencyStore keys, boolean claiming, boolean leased) {
    StringBuilder sql =
        new StringBuilder(
            "WITH b AS MATERIALIZED (SELECT u.*"
                + (claiming
                    ? ", s.key IS NOT NULL AS key_taken, CASE WHEN "
                        + IdempotencyStore.heldSql("s")
                        + " THEN s.fingerprint END AS held_fingerprint,"
                        + " s.response_status AS held_status, s.response_body AS held_body"
                    : "")
                + " FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[],"
                + " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],"
                + " $11::timestamptz[], $12::timestamptz[]"
                + (keys != null
                    ? ", $16::uuid[], $17::text[], $18::int4[], $19::text[], $20::timestamptz[]"
                    : "")
                + (claiming ? ", $21::bytea[]" : "")
                + ") AS u (id, order_id, merchant_id, method, vpa, card_network, card_last4,"
                + " planned_status, planned_error_code, planned_error_description, process_after,"
                + " created_at"
                + (keys != null ? ", key_merchant, key, response_status, response_body, lease" : "")
                + (claiming
                    ? ", fingerprint)"
                        + keys.keyJoin("s", "u.key_merchant", "u.key")
                        + " AND u.fingerprint IS NOT NULL"
                    : ")")
                + ")"
                + (leased
                    ? ", kh AS MATERIALIZED ("
                        + keys.stillClaimedSql("b.id", "b", "b.key_merchant", "b.key", "b.lease")
                        + ")"
                    : "")
                + ", o AS (UPDATE "
                + Tables.ORDERS
                + " x SET status = CASE WHEN x.status = 'created' THEN 'attempted' ELSE x.status"
                + " END, updated_at = CASE WHEN x.status = 'created' THEN b.created_at"
                + " ELSE x.updated_at END FROM b WHERE x.id = b.order_id"
                + " AND x.merchant_id = b.merchant_id AND x.status <> 'paid'"
                + (claiming ? " AND NOT b.key_taken" : "")
                + (leased
                    ? " AND (b.lease IS NULL OR EXISTS (SELECT 1 FROM kh WHERE kh.id = b.id))"
                    : "")
                + " RETURNING x.id, x.merchant_id, x.amount, x.currency), p AS (INSERT INTO "
                + Tables.PAYMENTS
                + " (id, order_id, merchant_id, amount, currency, method, vpa, card_network,"
                + " card_last4, status, planned_status, planned_error_code,"
                + " planned_error_description, process_after, created_at, updated_at)"
                + " SELECT b.id, b.order_id, b.merchant_id, o.amount, o.currency, b.method, b.vpa,"
                + " b.card_network, b.card_last4, 'pending', b.planned_status,"
                + " b.planned_error_code, b.planned_error_description, b.process_after,"
                + " b.created_at, b.created_at FROM b"
                + " JOIN o ON o.id = b.order_id AND o.merchant_id = b.merchant_id"
                + " ON CONFLICT (order_id) WHERE status = 'pending' DO NOTHING"
                + " RETURNING id, amount, currency), ev AS (INSERT INTO "
                + Tables.OUTBOX
                + " (streams, payloads) SELECT array_agg(e.stream ORDER BY e.n), array_agg("
                + filled("e.payload")
                + " ORDER BY e.n) FROM unnest($13::text[], $14::text[], $15::text[])"
                + " WITH ORDINALITY AS e (payment_id, stream, payload, n)"
                + " JOIN p ON p.id = e.payment_id HAVING count(*) > 0)");
    if (claiming) {
      sql.append(", kc AS (")
          .append(
              keys.insertAllSql(
                  "SELECT b.key_merchant AS merchant_id, b.key, b.fingerprint,"
                      + " b.response_status AS status, convert_to("
                      + filled("b.response_body")
                      + ", 'UTF8') AS body FROM b JOIN p ON p.id = b.id"
                      + " WHERE b.fingerprint IS NOT NULL ORDER BY b.key_merchant, b.key"))
          .append(")");
    }
    if (leased) {
      sql.append(", ik AS (")
          .append(
              keys.completeAllSql(
                  "SELECT b.key_merchant AS merchant_id, b.key, b.lease,"
                      + " b.response_status AS status, convert_to("
                      + filled("b.response_body")
                      + ", 'UTF8') AS body FROM b JOIN p ON p.id = b.id"
                      + " WHERE b.lease IS NOT NULL"))
          .append(")");
    }
    return sql.append(" SELECT b.id, p.id IS NOT NULL AS accepted, p.amount, p.currency,")
        .append(" o.id IS NOT NULL AS open,")
        .append(" CASE WHEN o.id IS NULL THEN EXISTS (SELECT 1 FROM ")
        .append(Tables.ORDERS)
        .append(" q WHERE q.id = b.order_id AND q.merchant_id = b.merchant_id) END AS known")
        .append(claiming ? ", b.held_fingerprint, b.held_status, b.held_body" : "")
        .append(
            leased
                ? ", b.lease IS NOT NULL AND NOT EXISTS (SELECT 1 FROM kh WHERE kh.id = b.id)"
                    + " AS key_lost"
                : "")
        .append(" FROM b LEFT JOIN p ON p.id = b.id")
        .append(" LEFT JOIN o ON o.id = b.order_id AND o.merchant_id = b.merchant_id")
        .toString();
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

  /**
   * {@code text} (a payment written awaiting its order) with the slots filled from the accepted
   * payment {@code p}: the amount as a JSON number, the currency as a JSON string.
   */
  private static String filled(String text) {
    return "replace(replace("
        + text
        + ", chr("
        + (int) PaymentView.AMOUNT_SLOT
        + "), p.amount::text), chr("
        + (int) PaymentView.CURRENCY_SLOT
        + "), to_json(p.currency)::text)";
  }

  /** A pending payment to finish with its drawn outcome, and its encoded finished event. */
  public record Finish(PendingPayment pending, String eventEnvelope) {}

  /**
   * Finishes pending payments with their drawn outcomes, each at most once, in one statement: marks
   * the orders of successful ones paid, counts the outcomes and writes one outbox row with the
   * events of those it finished. Emits the ids it finished; a payment no longer pending is left
   * alone. Ids must be distinct.
   */
  public Uni<Set<String>> finish(List<Finish> batch, Instant at, String eventStream) {
    int n = batch.size();
    String[] ids = new String[n];
    String[] statuses = new String[n];
    String[] codes = new String[n];
    String[] descriptions = new String[n];
    String[] events = new String[n];
    for (int i = 0; i < n; i++) {
      Finish f = batch.get(i);
      PaymentOutcome outcome = f.pending().outcome();
      ids[i] = f.pending().payment().id();
      statuses[i] = outcome.status();
      codes[i] = outcome.errorCode();
      descriptions[i] = outcome.errorDescription();
      events[i] = f.eventEnvelope();
    }
    String sql =
        // b is materialized and carries the status a payment must still have, so that the
        // guard is a join condition: each payment is found by primary key, whatever the
        // statistics say, instead of by scanning every pending payment through their index.
        "WITH b AS MATERIALIZED (SELECT *, 'pending'::text AS was FROM unnest($1::text[],"
            + " $2::text[], $3::text[], $4::text[], $5::text[])"
            + " AS u (id, status, error_code, error_description, event)),"
            + " p AS (UPDATE "
            + Tables.PAYMENTS
            + " x SET status = b.status, error_code = b.error_code,"
            + " error_description = b.error_description, updated_at = $6 FROM b"
            + " WHERE x.id = b.id AND x.status = b.was"
            + " RETURNING x.id, x.order_id, b.status, b.event), o AS (UPDATE "
            + Tables.ORDERS
            + " SET status = 'paid', updated_at = $6 FROM p"
            + " WHERE orders.id = p.order_id AND p.status = 'success'), c AS (INSERT INTO "
            + Tables.OUTCOME_INCREMENTS
            + " (status, delta) SELECT status, count(*) FROM p GROUP BY status), ev AS (INSERT INTO "
            + Tables.OUTBOX
            + " (streams, payloads) SELECT array_agg($7::text), array_agg(event) FROM p"
            + " HAVING count(*) > 0) SELECT id FROM p";
    return pool.preparedQuery(sql)
        .execute(
            Tuple.from(
                new Object[] {
                  ids, statuses, codes, descriptions, events, Rows.timestamp(at), eventStream
                }))
        .map(
            rows -> {
              Set<String> finished = new HashSet<>();
              for (Row r : rows) {
                finished.add(r.getString("id"));
              }
              return finished;
            });
  }

  /**
   * Captures a successful payment whose refunded amount is still {@code seenRefunded}, with its
   * event and idempotent response. Emits false when it changed or is not capturable.
   */
  public Uni<Boolean> capture(
      PaymentView seen, Instant at, OutboxSql events, StoredResponse response) {
    SqlParams p = new SqlParams();
    String now = p.add(at);
    String sql =
        "WITH p AS (UPDATE "
            + Tables.PAYMENTS
            + " SET captured = true, captured_at = "
            + now
            + ", updated_at = "
            + now
            + " WHERE id = "
            + p.add(seen.id())
            + " AND status = 'success' AND NOT captured AND amount_refunded < amount"
            + " AND amount_refunded = "
            + p.add(seen.amountRefunded())
            + " RETURNING id), ev AS ("
            + events.insertInto(Tables.OUTBOX, p, "p")
            + ")"
            + StoredResponse.cte(response, p, "p")
            + " SELECT count(*) AS n FROM p";
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /**
   * Adds {@code delta} to a payment's refunded amount once per event id; emits false for an event
   * seen before.
   */
  public Uni<Boolean> applyRefundEvent(String eventId, String paymentId, long delta, Instant at) {
    String sql =
        "WITH e AS (INSERT INTO "
            + Tables.PROCESSED_EVENTS
            + " (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1), p AS (UPDATE "
            + Tables.PAYMENTS
            + " SET amount_refunded = amount_refunded + $3, updated_at = $4"
            + " WHERE id = $2 AND EXISTS (SELECT 1 FROM e) RETURNING 1) SELECT count(*) AS n FROM e";
    return pool.preparedQuery(sql)
        .execute(Tuple.of(eventId, paymentId, delta, Rows.timestamp(at)))
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /** Pending payments due more than {@code graceMillis} ago, oldest first. */
  public Uni<List<PendingPayment>> overdue(long graceMillis, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + PENDING_COLUMNS
                + " FROM "
                + Tables.PAYMENTS
                + " WHERE status = 'pending' AND process_after < now() - $1 * interval '1 millisecond'"
                + " ORDER BY process_after LIMIT $2")
        .execute(Tuple.of(graceMillis, limit))
        .map(
            rows -> {
              List<PendingPayment> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new PendingPayment(
                        view(r),
                        new PaymentOutcome(
                            r.getString("planned_status"),
                            r.getString("planned_error_code"),
                            r.getString("planned_error_description")),
                        Rows.instant(r, "process_after")));
              }
              return out;
            });
  }

  static PaymentView view(Row r) {
    if (r == null) {
      return null;
    }
    return new PaymentView(
        r.getString("id"),
        r.getString("order_id"),
        r.getUUID("merchant_id").toString(),
        r.getLong("amount"),
        r.getString("currency"),
        r.getString("method"),
        r.getString("vpa"),
        r.getString("card_network"),
        r.getString("card_last4"),
        r.getString("status"),
        r.getBoolean("captured"),
        r.getString("error_code"),
        r.getString("error_description"),
        r.getLong("amount_refunded"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }
}
