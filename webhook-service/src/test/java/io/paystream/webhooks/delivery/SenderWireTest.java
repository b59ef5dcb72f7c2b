package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.signing.SigningSecret;
import io.paystream.shared.signing.WebhookSignature;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
  void anInterimAnswerIsNotTakenForTheFinalOne() throws Exception {
    byte[] interim = "HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] last = RawReceiver.answer("200 OK", "", "ok".getBytes(StandardCharsets.US_ASCII));
    byte[] both = new byte[interim.length + last.length];
    System.arraycopy(interim, 0, both, 0, interim.length);
    System.arraycopy(last, 0, both, interim.length, last.length);
    try (RawReceiver r = new RawReceiver(both)) {
      DeliveryResult.Failed f = assertInstanceOf(DeliveryResult.Failed.class, send(r.url("/102")));
      assertNull(f.status(), "102 is no final answer");
      assertEquals(
          "interim answer 102 and no final answer read (only 100 and 103 are passed over)",
          f.error());
    }
    // The client's connections are sound after it: a next attempt elsewhere succeeds.
    try (RawReceiver r = new RawReceiver(RawReceiver.answer("200 OK", "", new byte[0]))) {
      assertInstanceOf(DeliveryResult.Delivered.class, send(r.url("/after")));
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
