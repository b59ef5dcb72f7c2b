package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.signing.SigningSecret;
import io.paystream.shared.signing.WebhookSignature;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What goes on the wire to an endpoint, and what of its answer is understood. */
@QuarkusTest
class SenderWireTest {
  private static final byte[] BODY =
      "{\"event\":\"webhook.test\"}".getBytes(StandardCharsets.UTF_8);

  @Inject WebhookSender sender;

  @Test
  void charactersBeyondAsciiInTheUrlArePercentEncodedOnTheRequestLine() throws Exception {
    try (RawReceiver r = new RawReceiver(RawReceiver.answer("200 OK", "", new byte[0]))) {
      DeliveryResult result = send(r.url("/hooks/caf\u00e9?shop=m\u00fcnchen&x=%C3%A9"));
      assertInstanceOf(DeliveryResult.Delivered.class, result);
      String requestLine = r.head().substring(0, r.head().indexOf("\r\n"));
      assertEquals("POST /hooks/caf%C3%A9?shop=m%C3%BCnchen&x=%C3%A9 HTTP/1.1", requestLine);
    }
  }

  @Test
  void aSuccessWithLargeHeadersIsASuccess() throws Exception {
    String big = "X-Big: " + "a".repeat(12_000) + "\r\n";
    try (RawReceiver r =
        new RawReceiver(
            RawReceiver.answer("200 OK", big, "ok".getBytes(StandardCharsets.US_ASCII)))) {
      DeliveryResult.Delivered d =
          assertInstanceOf(DeliveryResult.Delivered.class, send(r.url("/big")));
      assertEquals(200, d.status());
      assertEquals("ok", d.body());
    }
  }

  @Test
  void theKeptBodyEndsOnAWholeCharacter() throws Exception {
    byte[] body = ("a".repeat(1023) + "\u20ac\u20ac\u20ac").getBytes(StandardCharsets.UTF_8);
    try (RawReceiver r = new RawReceiver(RawReceiver.answer("500 Oops", "", body))) {
      DeliveryResult.Failed f = assertInstanceOf(DeliveryResult.Failed.class, send(r.url("/eur")));
      assertEquals(500, f.status());
      assertEquals("a".repeat(1023), f.body());
      assertTrue(f.body().getBytes(StandardCharsets.UTF_8).length <= 1024);
    }
  }

  @Test
  void anInterimAnswerIsNotTakenForTheFinalOneAndItsConnectionIsNotUsedAgain() throws Exception {
    // The first connection answers 102, then 200 (which the client cannot take for its request),
    // and would answer any request sent on it after that with 500; other connections answer 204.
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      AtomicInteger connections = new AtomicInteger();
      Thread accepting =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    int n = connections.incrementAndGet();
                    Thread t = new Thread(() -> answer(s, n == 1));
                    t.setDaemon(true);
                    t.start();
                  } catch (IOException closed) {
                    return;
                  }
                }
              });
      accepting.setDaemon(true);
      accepting.start();
      String url = "http://127.0.0.1:" + server.getLocalPort() + "/102";
      DeliveryResult.Failed f = assertInstanceOf(DeliveryResult.Failed.class, send(url));
      assertNull(f.status(), "102 is no final answer");
      assertEquals(
          "interim answer 102 and no final answer read (only 100 and 103 are passed over)",
          f.error());
      DeliveryResult next = send(url);
      assertInstanceOf(DeliveryResult.Delivered.class, next, "on a new connection: " + next);
      assertEquals(204, ((DeliveryResult.Delivered) next).status());
      assertEquals(2, connections.get());
    }
  }

  /** Answers requests on one connection, kept alive, until the client closes it. */
  private static void answer(Socket s, boolean interimFirst) {
    try (s) {
      OutputStream out = s.getOutputStream();
      boolean first = true;
      while (true) {
        RawReceiver.readRequest(s.getInputStream());
        String answer =
            interimFirst && first
                ? "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                : interimFirst
                    ? "HTTP/1.1 500 Stray\r\nContent-Length: 0\r\n\r\n"
                    : "HTTP/1.1 204 No Content\r\n\r\n";
        out.write(answer.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        first = false;
      }
    } catch (IOException closedByTheClient) {
      // the client is done with this connection
    }
  }

  private DeliveryResult send(String url) {
    WebhookSignature sig =
        WebhookSignature.sign(
            BODY,
            "evt_wire000000000001",
            System.currentTimeMillis() / 1000,
            List.of(SigningSecret.of("whsec_test_abc123")));
    return sender.send(url, BODY, sig).await().atMost(Duration.ofSeconds(15));
  }
}
