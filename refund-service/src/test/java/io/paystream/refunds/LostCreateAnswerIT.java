package io.paystream.refunds;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.PaymentView;
import io.paystream.shared.testing.TestDatabases;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The connection to PostgreSQL breaks around a refund's creation statement. When PostgreSQL
 * committed it and only its answer was lost, the client gets the refund (201), never a 503 that
 * would invite it to refund the customer again; when the statement never reached PostgreSQL, 503
 * and nothing done; when the outcome cannot be learnt, a 500 that says the refund may exist (not a
 * 504, which the Kubernetes Ingress would replace with its own page).
 */
class LostCreateAnswerIT {
  private static final long AMOUNT = 3_000;

  /** The service's PostgreSQL connections, through a proxy that breaks the one statement. */
  private static final class App implements AutoCloseable {
    final ItInfra infra = ItInfra.prepare();
    final StatementBreaker breaker;
    final Upstream upstream;
    final ServiceProcess app;

    App(String name) throws Exception {
      String pg = TestDatabases.postgres(); // host:port
      breaker =
          new StatementBreaker(
              pg.substring(0, pg.lastIndexOf(':')),
              Integer.parseInt(pg.substring(pg.lastIndexOf(':') + 1)));
      upstream = infra.upstream();
      app =
          infra.start(
              name,
              Map.of(
                  "DATABASE_URL",
                  "postgresql://"
                      + TestDatabases.user()
                      + "@127.0.0.1:"
                      + breaker.port()
                      + "/paystream_refunds_it",
                  "TEST_PROCESSING_DELAY",
                  "500"));
      upstream.withTestMerchant(); // once the service has made its tables
    }

    /** POSTs a refund whose statement the breaker breaks as {@code fault} says. */
    Response refundBroken(String paymentId, String key, StatementBreaker.Fault fault) {
      // The merchant's credentials read now: the request below reaches its statement.
      Api.merchantAt(app.url()).get("/api/v1/refunds").then().statusCode(200);
      String reason = "broken " + UUID.randomUUID();
      breaker.arm(reason, fault);
      return post(paymentId, key, reason);
    }

    Response post(String paymentId, String key, String reason) {
      var spec = Api.merchantAt(app.url()).body(Api.body(AMOUNT, reason));
      if (key != null) {
        spec = spec.header("Idempotency-Key", key);
      }
      return spec.post(Api.refundsOf(paymentId));
    }

    long refunds(String paymentId) {
      return infra
          .db()
          .number("SELECT count(*) FROM refunds.refunds WHERE payment_id = ?", paymentId);
    }

    long refunded(String paymentId) {
      return infra.db().number("SELECT refunded FROM refunds.payments WHERE id = ?", paymentId);
    }

    @Override
    public void close() throws IOException {
      app.close();
      upstream.close();
      breaker.close();
      infra.close();
    }
  }

  @Test
  void aCommittedRefundWhoseAnswerIsLostIsAnswered201AndNotDoneTwice() throws Exception {
    try (App a = new App("lost-answer")) {
      PaymentView p = a.upstream.succeeded(10_000);
      Response first = a.refundBroken(p.id(), null, StatementBreaker.Fault.ANSWER_LOST);
      // The merchant acts on the answer as API.md says: a 503 changed nothing, so it sends the
      // refund again; a 201 is its refund.
      Response kept = first;
      for (int i = 0; i < 3 && kept.statusCode() == 503; i++) {
        Thread.sleep(1_000);
        kept = a.post(p.id(), null, "sent again after " + kept.statusCode());
      }
      String id = first.statusCode() == 201 ? first.path("id") : null;
      assertAll(
          () -> assertEquals(201, first.statusCode(), first.asString()),
          () -> assertEquals(1, a.breaker.broken(), "the statement's answer was lost"),
          () -> assertEquals(1, a.refunds(p.id()), "refunds of the payment"),
          () -> assertEquals(AMOUNT, a.refunded(p.id()), "refunded total"));
      assertEquals(AMOUNT, first.jsonPath().getLong("amount"));
      assertEquals("pending", first.path("status"));
      assertEquals(p.id(), first.path("payment_id"));
      assertNull(first.header("Idempotent-Replayed"));
      assertEquals(
          id, a.infra.db().value("SELECT id FROM refunds.refunds WHERE payment_id = ?", p.id()));
      // The refund is what GET answers, and its job and events were stored with it: it is
      // processed.
      Api.awaitStatusAt(a.app.url(), id, "processed", Duration.ofSeconds(30));
      // A second request without a key is a second refund (API.md): the first counts against the
      // payment's amount, once.
      Response second = a.post(p.id(), null, "a second refund");
      assertEquals(201, second.statusCode(), second.asString());
      assertEquals(2, a.refunds(p.id()));
      assertEquals(2 * AMOUNT, a.refunded(p.id()));
      Response third =
          Api.merchantAt(a.app.url())
              .body(Api.body(10_000 - 2 * AMOUNT + 1, null))
              .post(Api.refundsOf(p.id()));
      assertEquals(400, third.statusCode(), third.asString());
      assertEquals("Refund amount exceeds available amount", third.path("error.description"));
    }
  }

  @Test
  void withAKeyTheLostAnswerIsTheOneItsReplayGives() throws Exception {
    try (App a = new App("lost-answer-key")) {
      PaymentView p = a.upstream.succeeded(10_000);
      String key = "lost-answer-" + UUID.randomUUID();
      Response first = a.refundBroken(p.id(), key, StatementBreaker.Fault.ANSWER_LOST);
      assertEquals(1, a.breaker.broken());
      assertEquals(201, first.statusCode(), first.asString());
      assertNull(first.header("Idempotent-Replayed"));
      Response replay = a.post(p.id(), key, a.breaker.lastReason());
      assertEquals(201, replay.statusCode(), replay.asString());
      assertEquals("true", replay.header("Idempotent-Replayed"));
      assertEquals(first.asString(), replay.asString(), "the same bytes");
      assertEquals(1, a.refunds(p.id()));
      assertEquals(AMOUNT, a.refunded(p.id()));
    }
  }

  @Test
  void aStatementThatNeverReachedTheDatabaseIs503AndNothingDone() throws Exception {
    try (App a = new App("lost-request")) {
      PaymentView p = a.upstream.succeeded(10_000);
      Response first = a.refundBroken(p.id(), null, StatementBreaker.Fault.REQUEST_LOST);
      assertEquals(1, a.breaker.broken(), "the statement was kept from the database");
      assertErrorBody(first, 503, "SERVICE_UNAVAILABLE");
      assertEquals("5", first.header("Retry-After"));
      assertEquals(0, a.refunds(p.id()));
      assertEquals(0, a.refunded(p.id()));
      // As the 503 invites: sent again, it is done, once.
      Response again = a.post(p.id(), null, "sent again");
      assertEquals(201, again.statusCode(), again.asString());
      assertEquals(1, a.refunds(p.id()));
      assertEquals(AMOUNT, a.refunded(p.id()));
    }
  }

  @Test
  void anOutcomeThatCannotBeLearntIs500NamingTheRefundNotA503() throws Exception {
    try (App a = new App("lost-database")) {
      PaymentView p = a.upstream.succeeded(10_000);
      String key = "lost-database-" + UUID.randomUUID();
      long started = System.nanoTime();
      Response first = a.refundBroken(p.id(), key, StatementBreaker.Fault.DATABASE_GONE);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(1, a.breaker.broken());
      assertErrorBody(first, 500, "SERVER_ERROR");
      assertNull(first.header("Retry-After"));
      assertTrue(tookMillis < 10_000, "answered after " + tookMillis + " ms");
      String description = first.path("error.description");
      assertTrue(description.contains("may have been created"), description);
      assertTrue(description.contains("Idempotency-Key"), description);
      // It was: the refund the description names exists, and the key replays its creation.
      String id = description.replaceAll("(?s).*refund (rfnd_\\S+) may.*", "$1");
      Thread.sleep(StatementBreaker.GONE_MILLIS);
      assertEquals(1, a.refunds(p.id()));
      assertEquals(
          id, a.infra.db().value("SELECT id FROM refunds.refunds WHERE payment_id = ?", p.id()));
      Response replay = a.post(p.id(), key, a.breaker.lastReason());
      assertEquals(201, replay.statusCode(), replay.asString());
      assertEquals("true", replay.header("Idempotent-Replayed"));
      assertEquals(id, replay.path("id"));
      assertEquals(AMOUNT, a.refunded(p.id()));
    }
  }

  /** The status, and API.md's error body with this code and nothing else. */
  private static void assertErrorBody(Response r, int status, String code) {
    assertEquals(status, r.statusCode(), r.asString());
    assertEquals(Set.of("error"), r.jsonPath().getMap("$").keySet());
    assertEquals(code, r.path("error.code"));
  }

  /**
   * Forwards to PostgreSQL. Armed with a marker (the refund's reason, sent in its statement's
   * parameters), it breaks the connection that carries it: with {@link Fault#ANSWER_LOST} the
   * statement goes through and its answer is dropped, the connection reset 300 ms later (by when
   * PostgreSQL has committed); with {@link Fault#REQUEST_LOST} the statement is dropped and the
   * connection reset at once; with {@link Fault#DATABASE_GONE}, as with an answer lost, and every
   * connection is then reset and new ones refused for {@link #GONE_MILLIS}.
   */
  static final class StatementBreaker implements AutoCloseable {
    enum Fault {
      ANSWER_LOST,
      REQUEST_LOST,
      DATABASE_GONE
    }

    static final long GONE_MILLIS = 5_000;

    private final String host;
    private final int port;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> marker = new AtomicReference<>();
    private volatile Fault fault;
    private volatile String lastReason;
    private volatile long refuseUntil;
    private final AtomicInteger broken = new AtomicInteger();

    StatementBreaker(String host, int port) throws IOException {
      this.host = host;
      this.port = port;
      server = new ServerSocket();
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      daemon(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    void arm(String reason, Fault fault) {
      this.fault = fault;
      this.lastReason = reason;
      marker.set(reason);
    }

    String lastReason() {
      return lastReason;
    }

    /** How many statements it broke. */
    int broken() {
      return broken.get();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          if (System.currentTimeMillis() < refuseUntil) {
            reset(client);
            continue;
          }
          Socket db = new Socket(host, port);
          open.add(client);
          open.add(db);
          Connection c = new Connection(client, db);
          daemon(c::requests);
          daemon(c::answers);
        } catch (IOException e) {
          return;
        }
      }
    }

    private final class Connection {
      final Socket client;
      final Socket db;
      volatile boolean answersDropped;

      Connection(Socket client, Socket db) {
        this.client = client;
        this.db = db;
      }

      void requests() {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = client.getInputStream();
            OutputStream out = db.getOutputStream()) {
          for (int n; (n = in.read(buf)) >= 0; ) {
            String m = marker.get();
            if (m != null
                && new String(buf, 0, n, ISO_8859_1).contains(m)
                && marker.compareAndSet(m, null)) {
              broken.incrementAndGet();
              if (fault == Fault.REQUEST_LOST) {
                reset(client);
                db.close();
                return;
              }
              answersDropped = true;
              out.write(buf, 0, n);
              out.flush();
              daemon(
                  () -> {
                    pause(300);
                    if (fault == Fault.DATABASE_GONE) {
                      refuseUntil = System.currentTimeMillis() + GONE_MILLIS;
                      open.forEach(StatementBreaker::reset);
                    } else {
                      reset(client);
                      reset(db);
                    }
                  });
              continue;
            }
            out.write(buf, 0, n);
            out.flush();
          }
        } catch (IOException e) {
          // closed
        } finally {
          close(client, db);
        }
      }

      void answers() {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = db.getInputStream();
            OutputStream out = client.getOutputStream()) {
          for (int n; (n = in.read(buf)) >= 0; ) {
            if (!answersDropped) {
              out.write(buf, 0, n);
              out.flush();
            }
          }
        } catch (IOException e) {
          // closed
        } finally {
          close(client, db);
        }
      }

      private void close(Socket a, Socket b) {
        try {
          a.close();
          b.close();
        } catch (IOException ignored) {
          // closing anyway
        }
        open.remove(a);
        open.remove(b);
      }
    }

    /** Closes with a TCP reset, as a peer that crashed or a proxy restarting does. */
    static void reset(Socket s) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException ignored) {
        // closed already
      }
    }

    private static void pause(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static void daemon(Runnable r) {
      Thread t = new Thread(r, "statement-breaker");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      open.forEach(StatementBreaker::reset);
    }
  }
}
