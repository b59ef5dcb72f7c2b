package io.paystream.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A merchant's whole day through the edge, across all three services: order → payment → payment
 * webhooks → capture → refund → refund webhooks, every webhook verified with the stock Standard
 * Webhooks library and the hex signature, and delivered exactly once.
 */
@ExtendWith(StackExtension.class)
class PaymentLifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void orderPaymentCaptureRefundAndTheirWebhooks(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    try (Webhooks hooks = Webhooks.register(api)) {
      String order = api.order(50_000);
      String payment = api.payUpi(order, "success@okaxis");
      await()
          .atMost(WAIT)
          .until(() -> "success".equals(api.get("/api/v1/payments/" + payment).text("status")));
      assertEquals("paid", api.get("/api/v1/orders/" + order).text("status"));

      Api.Answer captured =
          api.post("/api/v1/payments/" + payment + "/capture", "{\"amount\":50000}");
      Api.expect(captured, 200);
      assertTrue(captured.json().path("captured").asBoolean());

      // Through the edge to refund-service, which knows the payment from payments-service's events.
      Api.Answer refund =
          api.post(
              "/api/v1/payments/" + payment + "/refunds",
              "{\"amount\":15000,\"reason\":\"Customer requested\"}",
              "e2e-refund-" + payment);
      Api.expect(refund, 201);
      String refundId = refund.text("id");
      assertEquals("pending", refund.text("status"));
      await()
          .atMost(WAIT)
          .until(() -> "processed".equals(api.get("/api/v1/refunds/" + refundId).text("status")));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  api.get("/api/v1/payments/" + payment).json().path("amount_refunded").asLong()
                      == 15_000);
      JsonNode listed = api.get("/api/v1/payments/" + payment + "/refunds").json();
      assertEquals(1, listed.path("total").asInt());
      assertEquals(refundId, listed.path("data").path(0).path("id").asText());

      await()
          .atMost(WAIT)
          .until(
              () ->
                  hooks.received(
                          "payment",
                          payment,
                          "payment.created",
                          "payment.pending",
                          "payment.success",
                          "payment.captured")
                      && hooks.received("refund", refundId, "refund.created", "refund.processed"));
      // Nothing crashed here: every event arrives exactly once, signed, with the resource inside.
      Thread.sleep(2_000);
      assertEquals(0, hooks.assertSignedAndRepeatsIdentical(), "no event was delivered twice");
      for (String type :
          List.of("payment.created", "payment.pending", "payment.success", "payment.captured")) {
        Set<String> ids = hooks.eventIds("payment", payment, type);
        assertEquals(1, ids.size(), type);
      }
      for (String type : List.of("refund.created", "refund.processed")) {
        assertEquals(1, hooks.eventIds("refund", refundId, type).size(), type);
      }
      WebhookReceiver.Delivery success =
          hooks.receiver.deliveries().stream()
              .filter(d -> d.event().equals("payment.success"))
              .findFirst()
              .orElseThrow();
      assertEquals(50_000, success.json().path("data").path("payment").path("amount").asLong());
      assertTrue(success.json().path("timestamp").isIntegralNumber());

      // The delivery log agrees: one successful delivery per event, the exact bytes we received.
      List<JsonNode> logged = hooks.logged("payment.success");
      assertEquals(1, logged.size());
      assertEquals("success", logged.get(0).path("status").asText());
      assertEquals(200, logged.get(0).path("response_code").asInt());
      Api.Answer detail = api.get("/api/v1/webhooks/" + logged.get(0).path("id").asText());
      // The stored payload is the body that was signed and sent, byte for byte.
      assertEquals(Api.JSON.readTree(success.body()), detail.json().path("payload"));
      assertTrue(detail.raw().contains(success.body()), "the same bytes");
      assertEquals(1, detail.json().path("attempt_history").size());
    }
  }

  @Test
  void aFailedPaymentIsFinalAndAnnouncedOnce(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    try (Webhooks hooks = Webhooks.register(api)) {
      String payment = api.payUpi(api.order(12_345), "failure@okaxis");
      await()
          .atMost(WAIT)
          .until(() -> "failed".equals(api.get("/api/v1/payments/" + payment).text("status")));
      Api.Answer failed = api.get("/api/v1/payments/" + payment);
      assertEquals("PAYMENT_FAILED", failed.text("error_code"));
      // A failed payment is not refundable: refund-service says so in the API's words.
      Api.Answer refund = api.post("/api/v1/payments/" + payment + "/refunds", "{\"amount\":100}");
      assertEquals(400, refund.status());
      assertEquals("BAD_REQUEST_ERROR", refund.json().path("error").path("code").asText());
      await().atMost(WAIT).until(() -> hooks.received("payment", payment, "payment.failed"));
      assertEquals(0, hooks.eventIds("payment", payment, "payment.success").size());
      assertEquals(1, hooks.eventIds("payment", payment, "payment.failed").size());
      assertEquals(0, hooks.assertSignedAndRepeatsIdentical(), "no event was delivered twice");
    }
  }
}
