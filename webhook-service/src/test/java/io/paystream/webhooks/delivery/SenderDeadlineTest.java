package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
 * The 5 s of an attempt are a deadline for the whole answer, and an attempt past it lets go of its
 * connection: a receiver that answers a byte at a time (each byte well within the idle timeout)
 * neither keeps the attempt running nor holds a connection of the shared pool afterwards.
 */
@QuarkusTest
class SenderDeadlineTest {
  @Inject WebhookSender sender;

  @Test
  void aReceiverDrippingItsAnswerIsCutOffAtTheDeadlineAndLosesItsConnection() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Long> closedAt = new CompletableFuture<>();
      Thread receiver =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  RawReceiver.readRequest(s.getInputStream());
                  OutputStream out = s.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  long until = System.currentTimeMillis() + 30_000;
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
              "dripping-receiver");
      receiver.setDaemon(true);
      receiver.start();

      byte[] body = "{\"event\":\"webhook.test\"}".getBytes(StandardCharsets.UTF_8);
      WebhookSignature sig =
          WebhookSignature.sign(
              body,
              "evt_deadline0000001",
              System.currentTimeMillis() / 1000,
              List.of(SigningSecret.of("whsec_test_abc123")));
      String url = "http://127.0.0.1:" + server.getLocalPort() + "/drip";
      DeliveryResult result = sender.send(url, body, sig).await().atMost(Duration.ofSeconds(15));
      long answeredAt = System.currentTimeMillis();

      DeliveryResult.Failed failed = assertInstanceOf(DeliveryResult.Failed.class, result);
      assertNull(failed.status(), "an answer not complete in time has no code");
      assertNotNull(failed.error());
      assertTrue(failed.error().startsWith("timed out"), failed.error());
      assertTrue(
          failed.latencyMs() >= 4_900 && failed.latencyMs() < 7_000,
          "cut off at 5 s, was " + failed.latencyMs());
      long closed = closedAt.get(3, TimeUnit.SECONDS);
      assertTrue(
          closed - answeredAt < 2_000,
          "the connection was closed " + (closed - answeredAt) + " ms after the attempt ended");
      assertEquals(Thread.State.TERMINATED, awaitEnd(receiver));
    }
  }

  private static Thread.State awaitEnd(Thread t) throws InterruptedException {
    t.join(2_000);
    return t.getState();
  }
}
