package io.paystream.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A burst of payments paced at a steady rate, each an order and a UPI payment created with an
 * Idempotency-Key and retried the way a careful merchant retries: on 502/503/504, a refused
 * connection, 409 (the first try still in flight), or the 500 of an outcome the service could not
 * learn, which says to send the request again with its key. A retry never creates a second order or
 * payment. Every fifth payment uses the failing test VPA.
 */
final class Burst {
  private static final long GIVE_UP_NANOS = TimeUnit.MINUTES.toNanos(3);

  private final Api api;
  private final String tag;
  private final int count;
  private final int perSecond;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final int gateAt;
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();

  /** A burst whose payments from {@code gateAt} on wait for {@link #open()}. */
  Burst(Api api, String tag, int count, int perSecond, int gateAt) {
    this.api = api;
    this.tag = tag;
    this.count = count;
    this.perSecond = perSecond;
    this.gateAt = gateAt;
  }

  Burst(Api api, String tag, int count, int perSecond) {
    this(api, tag, count, perSecond, count);
  }

  /** Lets the payments held back at the gate go. */
  void open() {
    gate.countDown();
  }

  static boolean failing(int i) {
    return i % 5 == 0;
  }

  int done() {
    return done.get();
  }

  int retries() {
    return retries.get();
  }

  /** Starts the burst; the futures give the payment ids in order. */
  List<Future<String>> start(ExecutorService pool) {
    long t0 = System.nanoTime();
    List<Future<String>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      long due = t0 + TimeUnit.SECONDS.toNanos(1) * n / perSecond;
      out.add(
          pool.submit(
              () -> {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                  TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (n >= gateAt) {
                  gate.await();
                }
                String order =
                    create(
                        "/api/v1/orders", "{\"amount\":" + (10_000 + n) + "}", tag + "-order-" + n);
                String vpa = failing(n) ? "failure@okaxis" : "success@okaxis";
                String payment =
                    create(
                        "/api/v1/payments",
                        "{\"order_id\":\""
                            + order
                            + "\",\"method\":\"upi\",\"vpa\":\""
                            + vpa
                            + "\"}",
                        tag + "-payment-" + n);
                done.incrementAndGet();
                return payment;
              }));
    }
    return out;
  }

  static ExecutorService pool() {
    return Executors.newFixedThreadPool(16);
  }

  private String create(String path, String body, String key) throws Exception {
    long deadline = System.nanoTime() + GIVE_UP_NANOS;
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        Api.Answer a = api.post(path, body, key);
        if (a.status() == 201) {
          return a.text("id");
        }
        if (a.status() != 502
            && a.status() != 503
            && a.status() != 504
            && a.status() != 409
            && !outcomeUnknown(a)) {
          throw new AssertionError(path + " answered " + a.status() + ": " + a.raw());
        }
        last = a.status() + " " + a.raw();
      } catch (IOException e) {
        last = e.toString();
      }
      retries.incrementAndGet();
      Thread.sleep(250);
    }
    throw new AssertionError(
        path + " with Idempotency-Key " + key + " never succeeded; last: " + last);
  }

  /**
   * Whether {@code a} is the 500 of a request whose database answer was lost and could not be
   * looked up (the database down for longer than the looks): it may have been made, and the answer
   * says to send it again with its Idempotency-Key, which gives the first outcome if there was one.
   */
  private static boolean outcomeUnknown(Api.Answer a) {
    return a.status() == 500
        && a.raw().contains("\"SERVER_ERROR\"")
        && a.raw().contains("The database did not confirm the outcome")
        && a.raw().contains("send it again with that key");
  }
}
