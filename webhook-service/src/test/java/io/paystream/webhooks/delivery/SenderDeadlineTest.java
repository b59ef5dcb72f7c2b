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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Success is a 2xx status within the 5 s of an attempt, and an attempt past them lets go of its
 * connection: a receiver that sends its status at once and then its body a byte at a time (each
 * byte well within the idle timeout) neither keeps the attempt running nor holds a connection of
 * the shared pool afterwards, and its answer counts by its status, with what came of its body. So
 * does one whose body breaks off.
 */
@QuarkusTest
class SenderDeadlineTest {
  @Inject WebhookSender sender;

  @Test
  void aReceiverDrippingIts200IsCutOffAtTheDeadlineLosesItsConnectionAndCountsAsDelivered()
      throws Exception {
    try (Scripted receiver = dripping("HTTP/1.1 200 OK")) {
      DeliveryResult result = receiver.send(sender);
      long answeredAt = System.currentTimeMillis();

      DeliveryResult.Delivered delivered = assertInstanceOf(DeliveryResult.Delivered.class, result);
      assertEquals(200, delivered.status());
      assertTrue(
          delivered.body().matches("x{10,30}"), "what came of the body: " + delivered.body());
      assertTrue(
          delivered.latencyMs() >= 4_900 && delivered.latencyMs() < 7_000,
          "cut off at 5 s, was " + delivered.latencyMs());
      receiver.assertClosedSoonAfter(answeredAt);
    }
  }

  @Test
  void aReceiverDrippingIts500IsCutOffAtTheDeadlineAndFailsWithItsStatus() throws Exception {
    try (Scripted receiver = dripping("HTTP/1.1 500 Internal Server Error")) {
      DeliveryResult result = receiver.send(sender);
      long answeredAt = System.currentTimeMillis();

      DeliveryResult.Failed failed = assertInstanceOf(DeliveryResult.Failed.class, result);
      assertEquals(500, failed.status());
      assertNull(failed.error(), "an answer, not a network error");
      assertTrue(failed.body().startsWith("xxxxx"), failed.body());
      receiver.assertClosedSoonAfter(answeredAt);
    }
  }

  @Test
  void a200WhoseBodyBreaksOffCountsAsDelivered() throws Exception {
    try (Scripted receiver =
        new Scripted("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nreceived", false)) {
      DeliveryResult.Delivered delivered =
          assertInstanceOf(DeliveryResult.Delivered.class, receiver.send(sender));
      assertEquals(200, delivered.status());
      assertEquals("received", delivered.body());
      assertTrue(delivered.latencyMs() < 4_000, "at once, was " + delivered.latencyMs());
    }
  }

  private static final byte[] BODY =
      "{\"event\":\"webhook.test\"}".getBytes(StandardCharsets.UTF_8);

  private static WebhookSignature signature() {
    return WebhookSignature.sign(
        BODY,
        "evt_deadline0000001",
        System.currentTimeMillis() / 1000,
        List.of(SigningSecret.of("whsec_test_abc123")));
  }

  private static Scripted dripping(String statusLine) throws IOException {
    return new Scripted(statusLine + "\r\nContent-Length: 10000\r\n\r\n", true);
  }

  private static String url(ServerSocket server) {
    return "http://127.0.0.1:" + server.getLocalPort() + "/drip";
  }

  /**
   * A receiver that sends {@code head} at once, then, when {@code drips}, a byte every 200 ms for
   * 30 s, and closes its connection.
   */
  private static final class Scripted implements AutoCloseable {
    private final ServerSocket server;
    private final CompletableFuture<Long> closedAt = new CompletableFuture<>();
    private final Thread thread;

    Scripted(String head, boolean drips) throws IOException {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  RawReceiver.readRequest(s.getInputStream());
                  OutputStream out = s.getOutputStream();
                  out.write(head.getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  long until = System.currentTimeMillis() + (drips ? 30_000 : 0);
                  while (System.currentTimeMillis() < until) {
                    out.write('x'); // fails once the sender has closed the connection
                    out.flush();
                    Thread.sleep(200);
                  }
                } catch (IOException e) {
                  closedAt.complete(System.currentTimeMillis());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "scripted-receiver");
      thread.setDaemon(true);
      thread.start();
    }

    DeliveryResult send(WebhookSender sender) {
      return sender.send(url(server), BODY, signature()).await().atMost(Duration.ofSeconds(15));
    }

    void assertClosedSoonAfter(long answeredAt) throws Exception {
      long closed = closedAt.get(3, TimeUnit.SECONDS);
      assertTrue(
          closed - answeredAt < 2_000,
          "the connection was closed " + (closed - answeredAt) + " ms after the attempt ended");
      thread.join(2_000);
      assertEquals(Thread.State.TERMINATED, thread.getState());
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
