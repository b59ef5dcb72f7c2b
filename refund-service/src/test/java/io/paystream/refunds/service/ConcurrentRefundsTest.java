package io.paystream.refunds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.refunds.Api;
import io.paystream.refunds.UpstreamTest;
import io.paystream.shared.event.PaymentView;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** However many refunds arrive at once, a payment is never refunded beyond its amount. */
@QuarkusTest
class ConcurrentRefundsTest extends UpstreamTest {

  @Test
  void fiftyConcurrentTenthsOfOnePaymentExactlyTenSucceed() throws Exception {
    PaymentView p = upstream.succeeded(50_000);
    List<Response> answers = concurrently(50, () -> Api.refund(p.id(), 5_000));
    int created = 0;
    for (Response r : answers) {
      if (r.statusCode() == 201) {
        created++;
      } else {
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals(
            "Refund amount exceeds available amount", r.jsonPath().get("error.description"));
      }
    }
    assertEquals(10, created);
    assertEquals(50_000, db.number("SELECT refunded FROM refunds.payments WHERE id = ?", p.id()));
    assertEquals(
        50_000,
        db.number(
            "SELECT coalesce(sum(amount), 0) FROM refunds.refunds WHERE payment_id = ?", p.id()));
    assertEquals(
        10, db.number("SELECT count(*) FROM refunds.refunds WHERE payment_id = ?", p.id()));
  }

  @Test
  void unevenConcurrentAmountsNeverExceedThePayment() throws Exception {
    PaymentView p = upstream.succeeded(10_007);
    List<Response> answers = new ArrayList<>();
    answers.addAll(concurrently(40, () -> Api.refund(p.id(), 1 + (System.nanoTime() % 997))));
    long accepted =
        answers.stream()
            .filter(r -> r.statusCode() == 201)
            .mapToLong(r -> r.jsonPath().getLong("amount"))
            .sum();
    long refunded = db.number("SELECT refunded FROM refunds.payments WHERE id = ?", p.id());
    assertEquals(accepted, refunded);
    assertEquals(
        refunded,
        db.number(
            "SELECT coalesce(sum(amount), 0) FROM refunds.refunds WHERE payment_id = ?", p.id()));
    assertTrue(refunded <= 10_007 && refunded > 0);
  }

  /** Runs {@code n} calls at the same moment; returns their answers. */
  static List<Response> concurrently(int n, java.util.concurrent.Callable<Response> call)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(
            threads.submit(
                () -> {
                  start.await();
                  return call.call();
                }));
      }
      start.countDown();
      List<Response> out = new ArrayList<>();
      for (Future<Response> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      threads.shutdown();
    }
  }
}
