package io.paystream.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The edge (nginx on the API origin and the apps' origins): routing by path to the owning service,
 * request ids generated here and seen in that service's log, and every error the edge itself
 * produces as the API's JSON error body.
 */
@ExtendWith(StackExtension.class)
class EdgeIT {

  @Test
  void eachPathReachesTheServiceThatOwnsItWithTheEdgesRequestId(Stack stack) throws Exception {
    Map<String, String> owners = new LinkedHashMap<>();
    owners.put("/api/v1/orders?limit=1", "payments-service");
    owners.put("/health", "payments-service");
    owners.put("/api/v1/test/jobs/status", "payments-service");
    owners.put("/api/v1/payments/pay_e2eUnknown00001/refunds", "refund-service");
    owners.put("/api/v1/refunds?limit=1", "refund-service");
    owners.put("/api/v1/webhook-endpoints", "webhook-service");
    owners.put("/api/v1/webhook-secret", "webhook-service");
    owners.put("/api/v1/webhooks?limit=1", "webhook-service");
    Api api = Api.merchant(stack.edge());
    for (Map.Entry<String, String> e : owners.entrySet()) {
      Api.Answer a = api.get(e.getKey());
      String id = a.header("X-Request-Id");
      assertTrue(id != null && id.matches("[0-9a-f]{32}"), "the edge made a request id: " + id);
      assertFalse(a.raw().isEmpty());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stack.log(e.getValue()).contains("request_id=" + id));
      for (String other : Stack.SERVICES) {
        if (!other.equals(e.getValue())) {
          assertFalse(stack.log(other).contains(id), e.getKey() + " must not reach " + other);
        }
      }
      assertTrue(stack.log("edge-access").contains("\"request_id\":\"" + id + "\""));
    }
  }

  @Test
  void aSaneRequestIdIsKeptAndAnyOtherReplaced(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    String mine = "merchant-" + UUID.randomUUID();
    Api.Answer kept =
        api.send(api.request("/api/v1/refunds?limit=1").header("X-Request-Id", mine).GET());
    assertEquals(200, kept.status());
    assertEquals(mine, kept.header("X-Request-Id"));
    assertEquals(1, kept.headers().allValues("X-Request-Id").size(), "sent back once");
    await().atMost(Duration.ofSeconds(10)).until(() -> stack.log("refund-service").contains(mine));

    Api.Answer replaced =
        api.send(
            api.request("/api/v1/orders?limit=1")
                .header("X-Request-Id", "no spaces; allowed {}")
                .GET());
    assertEquals(200, replaced.status());
    assertTrue(replaced.header("X-Request-Id").matches("[0-9a-f]{32}"));
  }

  @Test
  void unknownPathsAreJson404OnEveryOrigin(Stack stack) throws Exception {
    for (String origin : new String[] {stack.edge(), stack.dashboard(), stack.checkout()}) {
      Api.Answer a = Api.anonymous(origin).get("/no/such/thing");
      assertJsonError(a, 404, "NOT_FOUND_ERROR");
    }
    // /api/ is routed: an unknown API path is the owning service's own JSON 404.
    assertJsonError(
        Api.anonymous(stack.edge()).get("/api/v1/nothing-here"), 404, "NOT_FOUND_ERROR");
  }

  @Test
  void bodiesOverOneMegabyteAreJson413(Stack stack) throws Exception {
    String big = "{\"amount\":100,\"receipt\":\"" + "x".repeat(1_100_000) + "\"}";
    assertJsonError(
        Api.merchant(stack.edge()).post("/api/v1/orders", big), 413, "BAD_REQUEST_ERROR");
  }

  @Test
  void malformedRequestsAreJson400And414And431(Stack stack) throws Exception {
    assertRawJsonError(stack, "GARBAGE\r\n\r\n", 400);
    assertRawJsonError(
        stack, "GET /api/v1/orders/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400);
    assertRawJsonError(
        stack,
        "GET /api/v1/orders/"
            + "a".repeat(20_000)
            + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        414);
    assertRawJsonError(
        stack,
        "GET /api/v1/orders HTTP/1.1\r\nHost: x\r\nX-Big: "
            + "b".repeat(70_000)
            + "\r\nConnection: close\r\n\r\n",
        431);
  }

  @Test
  void theAppsOriginsProxyApiToTheSameRoutes(Stack stack) throws Exception {
    Api.Answer viaDashboard = Api.merchant(stack.dashboard()).get("/api/v1/webhook-secret");
    Api.expect(viaDashboard, 200);
    assertTrue(viaDashboard.text("secret").startsWith("whsec_"));
    Api.Answer viaCheckout = Api.anonymous(stack.checkout()).get("/api/v1/test/merchant");
    Api.expect(viaCheckout, 200);
    assertEquals(Api.KEY, viaCheckout.text("api_key"));
    assertEquals("application/json", viaCheckout.header("Content-Type"));
  }

  @Test
  void aServiceThatIsDownIsJson502UntilItIsBack(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    stack.kill9("webhook-service");
    Api.Answer down = api.get("/api/v1/webhook-endpoints");
    assertJsonError(down, 502, "SERVICE_UNAVAILABLE");
    assertEquals("1", down.header("Retry-After"));
    // The other services do not care.
    assertEquals(200, api.get("/api/v1/orders?limit=1").status());
    stack.up();
    assertEquals(200, api.get("/api/v1/webhook-endpoints").status());
  }

  private static void assertJsonError(Api.Answer a, int status, String code) {
    assertEquals(status, a.status(), a.raw());
    assertTrue(a.header("Content-Type").startsWith("application/json"), a.header("Content-Type"));
    JsonNode error = a.json().path("error");
    assertEquals(code, error.path("code").asText(), a.raw());
    assertFalse(error.path("description").asText().isBlank());
    assertFalse(a.raw().contains("<html"), "no HTML");
    assertNotEquals(null, a.header("X-Request-Id"));
  }

  /** Sends bytes no HTTP client would and checks the edge's JSON answer. */
  private static void assertRawJsonError(Stack stack, String request, int status)
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", stack.edgePort)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      String statusLine = answer.substring(0, answer.indexOf("\r\n"));
      assertTrue(statusLine.startsWith("HTTP/1.1 " + status), statusLine);
      String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase();
      assertTrue(head.contains("content-type: application/json"), head);
      assertTrue(head.contains("x-request-id: "), head);
      JsonNode body = Api.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertEquals("BAD_REQUEST_ERROR", body.path("error").path("code").asText());
    }
  }
}
