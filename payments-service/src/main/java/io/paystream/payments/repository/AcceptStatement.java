package io.paystream.payments.repository;

import io.paystream.shared.event.PaymentView;
import io.paystream.shared.idempotency.IdempotencyStore;

/** The text of the statement that accepts payments ({@link PaymentAcceptRepository#accept}). */
final class AcceptStatement {
  private AcceptStatement() {}

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
  static String sql(IdempotencyStore keys, boolean claiming, boolean leased) {
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
}
