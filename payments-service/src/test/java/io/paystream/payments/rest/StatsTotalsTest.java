package io.paystream.payments.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.payments.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The stats' sum of successful amounts is written as JavaScript reads it, however large; the totals
 * per currency keep each currency's amounts apart.
 */
@QuarkusTest
class StatsTotalsTest {
  private static final long MAX_AMOUNT = 9_007_199_254_740_991L; // the largest an order takes
  private static final int PAYMENTS = 1_025; // their sum is past 2^63

  @Inject Pool pool;

  @Test
  void aSumPastTheLargestLongIsNotWrapped() {
    String[] m = Api.newMerchant();
    pool.preparedQuery(
            "WITH o AS (INSERT INTO payments.orders (id, merchant_id, amount, currency, notes,"
                + " status, created_at, updated_at) SELECT 'order_stats' || lpad(i::text, 10, '0'),"
                + " $1, $2, 'INR', '{}', 'paid', now(), now() FROM generate_series(1, $3) i"
                + " RETURNING id) INSERT INTO payments.payments (id, order_id, merchant_id, amount,"
                + " currency, method, vpa, status, planned_status, process_after, created_at,"
                + " updated_at) SELECT 'pay_' || substr(o.id, 7), o.id, $1, $2, 'INR', 'upi',"
                + " 'big@bank', 'success', 'success', now(), now(), now() FROM o")
        .execute(Tuple.of(UUID.fromString(m[0]), MAX_AMOUNT, PAYMENTS))
        .await()
        .atMost(Duration.ofSeconds(30));
    // The sum is 9232379236109515775; JSON.stringify(JSON.parse(...)) of it, in Node:
    String expected =
        "{\"total_transactions\":1025,\"total_amount\":9232379236109515000,\"success_rate\":100}";
    assertEquals(
        expected,
        Api.as(m[1], m[2])
            .get("/api/v1/payments/stats")
            .then()
            .statusCode(200)
            .extract()
            .asString());
  }

  @Test
  void totalsPerCurrencyKeepEachCurrencysAmountsApart() {
    String[] m = Api.newMerchant();
    // In rupees two successful payments and a failed one; in dollars one successful and one
    // pending.
    pool.preparedQuery(
            "WITH v (n, amount, currency, status) AS (VALUES (1, 50000, 'INR', 'success'),"
                + " (2, 50000, 'INR', 'success'), (3, 70000, 'INR', 'failed'),"
                + " (4, 2500, 'USD', 'success'), (5, 9900, 'USD', 'pending')),"
                + " o AS (INSERT INTO payments.orders (id, merchant_id, amount, currency, notes,"
                + " status, created_at, updated_at) SELECT 'order_currency' || lpad(v.n::text, 6,"
                + " '0') || substr(md5($1::text), 1, 2), $1, v.amount, v.currency, '{}',"
                + " 'attempted', now(), now() FROM v RETURNING id, amount, currency)"
                + " INSERT INTO payments.payments (id, order_id, merchant_id, amount, currency,"
                + " method, vpa, status, planned_status, process_after, created_at, updated_at)"
                + " SELECT 'pay_' || substr(o.id, 7), o.id, $1, o.amount, o.currency, 'upi',"
                + " 'a@bank', v.status, CASE v.status WHEN 'failed' THEN 'failed' ELSE 'success' END,"
                + " now() + interval '1 day', now(), now() FROM o"
                + " JOIN v ON v.amount = o.amount AND v.currency = o.currency"
                + " AND o.id LIKE 'order_currency' || lpad(v.n::text, 6, '0') || '%'")
        .execute(Tuple.of(UUID.fromString(m[0])))
        .await()
        .atMost(Duration.ofSeconds(30));
    assertEquals(
        "{\"data\":[{\"currency\":\"INR\",\"total_transactions\":3,\"total_amount\":100000,"
            + "\"success_rate\":66.66666666666667},{\"currency\":\"USD\","
            + "\"total_transactions\":2,\"total_amount\":2500,\"success_rate\":50}]}",
        Api.as(m[1], m[2])
            .get("/api/v1/payments/stats/currencies")
            .then()
            .statusCode(200)
            .extract()
            .asString());
    // Over every currency, as the contract has it.
    assertEquals(
        "{\"total_transactions\":5,\"total_amount\":102500,\"success_rate\":60}",
        Api.as(m[1], m[2]).get("/api/v1/payments/stats").then().extract().asString());
    Api.as(m[1], "wrong").get("/api/v1/payments/stats/currencies").then().statusCode(401);
    String[] none = Api.newMerchant();
    assertEquals(
        "{\"data\":[]}",
        Api.as(none[1], none[2])
            .get("/api/v1/payments/stats/currencies")
            .then()
            .extract()
            .asString());
  }
}
