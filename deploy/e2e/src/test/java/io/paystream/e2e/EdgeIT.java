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
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
      String line = accessLogLine(stack, id);
      JsonNode logged = Api.JSON.readTree(line);
      // nginx times requests in seconds (to the millisecond), and the field says so.
      assertTrue(logged.path("duration_s").isNumber(), line);
    }
  }

  /**
   * A request the edge answers itself is logged with the method the client sent: its error page is
   * reached by an internal redirect, which nginx makes a GET.
   */
  @Test
  void theAccessLogKeepsTheMethodOfARequestTheEdgeAnsweredItself(Stack stack) throws Exception {
    String id = "edge-post-" + UUID.randomUUID();
    Api api = Api.anonymous(stack.edge());
    Api.Answer a =
        api.send(
            api.request("/api")
                .header("X-Request-Id", id)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertJsonError(a, 404, "NOT_FOUND_ERROR");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stack.log("edge-access").contains("\"request_id\":\"" + id + "\""));
    String line = accessLogLine(stack, id);
    assertEquals("POST", Api.JSON.readTree(line).path("method").asText(), line);
  }

  /** The edge's access log line of the request with this id. */
  private static String accessLogLine(Stack stack, String requestId) throws IOException {
    return stack
        .log("edge-access")
        .lines()
        .filter(l -> l.contains("\"request_id\":\"" + requestId + "\""))
        .findFirst()
        .orElseThrow();
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
      // /api itself too: not nginx's HTML redirect to /api/.
      assertJsonError(Api.anonymous(origin).get("/api"), 404, "NOT_FOUND_ERROR");
      assertJsonError(Api.anonymous(origin).post("/api", "{}"), 404, "NOT_FOUND_ERROR");
    }
    // /api/ is routed: an unknown API path is the owning service's own JSON 404.
    assertJsonError(
        Api.anonymous(stack.edge()).get("/api/v1/nothing-here"), 404, "NOT_FOUND_ERROR");
  }

  @Test
  void aBrowsersNavigationToAnUnknownDashboardAddressGetsTheAppWith404(Stack stack)
      throws Exception {
    Api dashboard = Api.anonymous(stack.dashboard());
    String navigation = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    Api.Answer page =
        dashboard.send(
            dashboard.request("/dashboard/transacions").header("Accept", navigation).GET());
    assertEquals(404, page.status(), page.raw());
    assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
    assertTrue(page.raw().contains("<div id=\"app\">"), "the app, which says there is no page");
    assertEquals("no-store", page.header("Cache-Control"));
    assertEquals("DENY", page.header("X-Frame-Options"));
    // Anything but a browser's navigation gets the JSON 404, as before.
    assertJsonError(dashboard.get("/dashboard/transacions"), 404, "NOT_FOUND_ERROR");
    assertJsonError(
        dashboard.send(
            dashboard
                .request("/dashboard/transacions")
                .header("Accept", navigation)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())),
        404,
        "NOT_FOUND_ERROR");
    // A body over the limit sent there is the edge's JSON 413, as on every other path.
    String big = "{\"x\":\"" + "x".repeat(1_100_000) + "\"}";
    assertJsonError(dashboard.post("/dashboard/transacions", big), 413, "BAD_REQUEST_ERROR");
    // The API's origin is not an app: its unknown paths are JSON whatever the client accepts.
    Api edge = Api.anonymous(stack.edge());
    assertJsonError(
        edge.send(edge.request("/dashboard/transacions").header("Accept", navigation).GET()),
        404,
        "NOT_FOUND_ERROR");
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
        stack,
        "GET /api/v1/orders/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        400);
    assertRawJsonError(
        stack,
        "GET /api/v1/orders/"
            + "a".repeat(20_000)
            + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        414);
    assertRawJsonError(
        stack,
        "GET /api/v1/orders HTTP/1.1\r\nHost: localhost\r\nX-Big: "
            + "b".repeat(70_000)
            + "\r\nConnection: close\r\n\r\n",
        431);
  }

  @Test
  void anHttpVersionOtherThanOneIsJson505(Stack stack) throws Exception {
    Raw answer = raw(stack, "GET /api/v1/orders HTTP/2.0\r\nHost: localhost\r\n\r\n");
    assertEquals(505, answer.status(), answer.head());
    assertEquals("BAD_REQUEST_ERROR", answer.body().path("error").path("code").asText());
  }

  @Test
  void aTransferEncodingOtherThanChunkedIsJson501OnTheEdgeAndTheAppsOrigins(Stack stack)
      throws Exception {
    for (int port : new int[] {stack.edgePort, stack.dashboardPort, stack.checkoutPort}) {
      for (String encoding : new String[] {"gzip", "identity", "chunked, gzip"}) {
        Raw answer =
            raw(
                port,
                "POST /api/v1/orders HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: "
                    + encoding
                    + "\r\nConnection: close\r\n\r\n0\r\n\r\n");
        assertEquals(501, answer.status(), encoding + " on " + port + ": " + answer.head());
        assertTrue(answer.head().contains("content-type: application/json"), answer.head());
        assertTrue(answer.head().contains("x-request-id: "), answer.head());
        assertEquals("BAD_REQUEST_ERROR", answer.body().path("error").path("code").asText());
      }
    }
  }

  @Test
  void theEdgesErrorsCanBeReadFromAnyOrigin(Stack stack) throws Exception {
    Raw answer =
        raw(stack, "GET /no/such/thing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertEquals(404, answer.status());
    assertTrue(answer.head().contains("access-control-allow-origin: *"), answer.head());
  }

  @Test
  void whatTheEdgeLetsThroughEachServiceAnswers(Stack stack) throws Exception {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      headers.append("X-Big-").append(i).append(": ").append("h".repeat(15_000)).append("\r\n");
    }
    for (String path :
        new String[] {"/api/v1/orders", "/api/v1/refunds", "/api/v1/webhook-endpoints"}) {
      // Up to the edge's limits: a 16 KB request line, headers of 4 x 16 KB. No key: 401.
      Raw longLine =
          raw(
              stack,
              "GET "
                  + path
                  + "?x="
                  + "q".repeat(15_000)
                  + " HTTP/1.1\r\nHost: localhost\r\n"
                  + "Connection: close\r\n\r\n");
      assertEquals(401, longLine.status(), path + " " + longLine.head());
      Raw manyHeaders =
          raw(
              stack,
              "GET "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\n"
                  + headers
                  + "Connection: close\r\n\r\n");
      assertEquals(401, manyHeaders.status(), path + " " + manyHeaders.head());
    }
  }

  /**
   * Every character and escape, in a path and in a query string: where java.net.URI (which the
   * services' HTTP layer checks targets with) refuses the target, the edge answers the JSON 400;
   * everything else reaches the service, which refuses a query string holding a {@code ;} with its
   * own JSON 400. Sent to a service directly (as behind an ingress that does not screen targets),
   * every printable ASCII one gets the same answers from the service itself.
   */
  @Test
  void requestTargetsTheServicesWouldRefuseAreJson400AtTheEdge(Stack stack) throws Exception {
    List<String> pieces = new ArrayList<>();
    for (char c = 0x21; c < 0x7f; c++) {
      pieces.add(String.valueOf(c));
    }
    for (int b : new int[] {0x7f, 0x80, 0x9f, 0xa0, 0xa1, 0xc3, 0xe9, 0xff}) {
      pieces.add(String.valueOf((char) b));
    }
    pieces.addAll(List.of("%", "%4", "%zz", "%4g", "%41", "%e2%82%ac", "%%41", "a%"));
    int refused = 0;
    for (String piece : pieces) {
      for (String target :
          new String[] {
            "/api/v1/orders/order_a" + piece + "b", "/api/v1/orders?receipt=a" + piece
          }) {
        boolean valid;
        try {
          new URI(target);
          valid = true;
        } catch (URISyntaxException e) {
          valid = false;
        }
        String request =
            "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        List<Integer> ports = new ArrayList<>(List.of(stack.edgePort));
        if (piece.chars().allMatch(c -> c < 0x7f)) {
          ports.add(stack.servicePort("payments-service"));
          ports.add(stack.servicePort("refund-service"));
        }
        for (int port : ports) {
          Raw answer = raw(port, request);
          String what =
              target + " (" + (valid ? "valid" : "invalid") + ") on " + port + ": " + answer.head();
          if (valid && target.contains("?") && target.contains(";")) {
            // Reached the service, which refuses a ; in a query string before anything else.
            assertEquals(400, answer.status(), what);
            assertEquals(
                "Query parameters are separated by & alone: a ; in a value must be percent-encoded"
                    + " (%3B)",
                answer.body().path("error").path("description").asText(), what);
          } else if (valid) {
            // Reached the service: no key (401), or no such endpoint (404) for a split path.
            assertTrue(answer.status() == 401 || answer.status() == 404, what);
          } else {
            refused++;
            assertEquals(400, answer.status(), what);
            assertEquals(
                "BAD_REQUEST_ERROR", answer.body().path("error").path("code").asText(), what);
          }
        }
      }
    }
    assertTrue(refused > 60, "the probe covers refused targets: " + refused);
  }

  @Test
  void onLoopbackTheEdgeTheAppsAndTheServicesAnswerOnlyThisMachinesNames(Stack stack)
      throws Exception {
    for (int port :
        new int[] {
          stack.edgePort,
          stack.dashboardPort,
          stack.checkoutPort,
          stack.servicePort("payments-service"),
          stack.servicePort("refund-service"),
          stack.servicePort("webhook-service")
        }) {
      // A page whose own name was pointed at 127.0.0.1 (DNS rebinding) sends that name.
      for (String host :
          new String[] {"attacker.example", "attacker.example:" + port, "127.0.0.1.nip.io"}) {
        Raw refused = raw(port, merchantRequest(host));
        assertEquals(421, refused.status(), host + " on " + port + ": " + refused.head());
        assertEquals("BAD_REQUEST_ERROR", refused.body().path("error").path("code").asText());
        assertTrue(refused.head().contains("x-request-id: "), refused.head());
      }
      for (String host :
          new String[] {
            "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "app.localhost"
          }) {
        Raw answered = raw(port, merchantRequest(host));
        // Served: the merchant, or a service's own 404 (the path is payments-service's).
        assertTrue(
            answered.status() == 200 || answered.status() == 404,
            host + " on " + port + ": " + answered.head());
      }
    }
    // A request naming no host (HTTP/1.0) goes through the edge to the service too.
    Raw nameless = raw(stack.edgePort, "GET /api/v1/test/merchant HTTP/1.0\r\n\r\n");
    assertEquals(200, nameless.status(), nameless.head());
    assertEquals(Api.KEY, nameless.body().path("api_key").asText());
  }

  private static String merchantRequest(String host) {
    return "GET /api/v1/test/merchant HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
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
  void aServiceThatIsDownIsJson503UntilItIsBack(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    stack.kill9("webhook-service");
    // Its port refuses connections: nothing reached it, so nothing was done (503, not a 502 that
    // may have been carried out), for a POST as for a GET.
    Api.Answer down = api.get("/api/v1/webhook-endpoints");
    assertJsonError(down, 503, "SERVICE_UNAVAILABLE");
    assertEquals("1", down.header("Retry-After"));
    Api.Answer post = api.post("/api/v1/webhook-endpoints", "{\"url\":\"https://example.com/h\"}");
    assertJsonError(post, 503, "SERVICE_UNAVAILABLE");
    assertFalse(post.raw().contains("may have been carried out"), post.raw());
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
    Raw answer = raw(stack, request);
    assertEquals(status, answer.status(), answer.head());
    assertTrue(answer.head().contains("x-request-id: "), answer.head());
    assertEquals("BAD_REQUEST_ERROR", answer.body().path("error").path("code").asText());
  }

  /** An answer to raw bytes: status, head (lower case) and JSON body, which it must have. */
  private record Raw(int status, String head, JsonNode body) {}

  private static Raw raw(Stack stack, String request) throws IOException {
    return raw(stack.edgePort, request);
  }

  private static Raw raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = answer.indexOf("\r\n\r\n");
      assertTrue(end > 0, "an HTTP answer: " + answer);
      String head = answer.substring(0, end).toLowerCase();
      assertTrue(head.startsWith("http/1.1 "), head);
      assertTrue(head.contains("content-type: application/json"), head);
      assertFalse(head.contains("transfer-encoding"), head);
      return new Raw(
          Integer.parseInt(head.substring(9, 12)),
          head,
          Api.JSON.readTree(answer.substring(end + 4)));
    }
  }
}
