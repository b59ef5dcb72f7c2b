package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Ingress' error pages (deploy/k8s/base/30-ingress-errors.conf) served by a real nginx the way
 * ingress-nginx uses a custom default backend: its own errors arrive with {@code X-Code} and leave
 * as the API's JSON error body with that status; requests it hands over as they came get the JSON
 * 503 on a service's path (no ready pod) and the JSON 404 on an unknown one.
 */
class IngressErrorPagesIT {
  @Test
  void theControllersErrorsBecomeTheApisJsonBody() throws Exception {
    Path prefix = Stack.ROOT.resolve("deploy/e2e/target/ingress-errors");
    Files.createDirectories(prefix.resolve("paystream"));
    Files.createDirectories(prefix.resolve("tmp"));
    for (String inc : new String[] {"http.inc", "errors.inc"}) {
      Files.copy(
          Stack.ROOT.resolve("deploy/edge/nginx/" + inc),
          prefix.resolve("paystream/" + inc),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String server =
        Files.readString(Stack.ROOT.resolve("deploy/k8s/base/30-ingress-errors.conf"))
            .replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
    Files.writeString(prefix.resolve("errors.conf"), server);
    Files.writeString(
        prefix.resolve("nginx.conf"),
        String.join(
            "\n",
            "worker_processes 1;",
            "pid " + prefix.resolve("nginx.pid") + ";",
            "error_log " + prefix.resolve("error.log") + ";",
            "daemon off;",
            "events { worker_connections 64; }",
            "http {",
            "  client_body_temp_path " + prefix.resolve("tmp") + ";",
            "  proxy_temp_path " + prefix.resolve("tmp") + ";",
            "  access_log off;",
            "  include paystream/http.inc;",
            "  include errors.conf;",
            "}",
            ""));
    Process nginx =
        new ProcessBuilder(Commands.nginx(), "-p", prefix.toString(), "-c", "nginx.conf")
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("nginx.out").toFile())
            .start();
    try {
      Api api = Api.anonymous("http://127.0.0.1:" + port);
      long deadline = System.currentTimeMillis() + 10_000;
      while (true) {
        try {
          if (api.get("/healthz").status() == 200) {
            break;
          }
        } catch (java.io.IOException e) {
          if (System.currentTimeMillis() > deadline) {
            throw e;
          }
          Thread.sleep(100);
        }
      }
      assertError(api, "/api/v1/orders", "502", 502, "SERVICE_UNAVAILABLE");
      assertError(api, "/api/v1/orders", "503", 503, "SERVICE_UNAVAILABLE");
      assertError(api, "/api/v1/orders", "413", 413, "BAD_REQUEST_ERROR");
      assertError(api, "/api/v1/orders", "494", 431, "BAD_REQUEST_ERROR");
      // Handed over as they came (no X-Code): a path whose service has no ready pod is
      // unavailable, not missing; only a path no rule matched is unknown.
      for (String path :
          new String[] {"/api/v1/orders", "/api/v1/payments/pay_x/refunds", "/health"}) {
        Api.Answer a = assertError(api, path, null, 503, "SERVICE_UNAVAILABLE");
        assertEquals("1", a.header("Retry-After"), path);
        assertEquals("*", a.header("Access-Control-Allow-Origin"), path);
      }
      assertError(api, "/no/such", null, 404, "NOT_FOUND_ERROR");
      assertError(api, "/healthz/x", null, 404, "NOT_FOUND_ERROR");
      Api.Answer direct = api.get("/_paystream_edge/502");
      assertEquals(404, direct.status(), "the error pages cannot be asked for directly");
    } finally {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Api.Answer assertError(Api api, String path, String xCode, int status, String code)
      throws Exception {
    HttpRequest.Builder b = api.request(path).header("X-Request-ID", "ingress-req-1").GET();
    if (xCode != null) {
      b.header("X-Code", xCode);
    }
    Api.Answer a = api.send(b);
    assertEquals(status, a.status(), a.raw());
    assertTrue(a.header("Content-Type").startsWith("application/json"));
    assertEquals(code, a.json().path("error").path("code").asText());
    assertEquals("ingress-req-1", a.header("X-Request-Id"));
    return a;
  }
}
