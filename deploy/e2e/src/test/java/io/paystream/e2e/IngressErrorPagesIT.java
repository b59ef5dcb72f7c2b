package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Ingress' error pages and its unknown paths (deploy/k8s/base/30-ingress-errors.conf) served by
 * a real nginx, on the ports base's manifests lead the Ingress to: the error server (the Service
 * named by the Ingress' {@code default-backend}) and the server of the API host's catch-all path.
 * The controller's own errors arrive at the error server rewritten to {@code /}, with {@code
 * X-Code}, and leave as the API's JSON error body with that status; requests of a service with no
 * ready pod, which it hands over as they came, get the JSON 503; unknown paths get the JSON 404,
 * whatever {@code X-Code} a client sends.
 */
class IngressErrorPagesIT {
  @Test
  void theControllersErrorsBecomeTheApisJsonBody() throws Exception {
    Path prefix = Stack.ROOT.resolve("deploy/e2e/target/ingress-errors");
    Files.createDirectories(prefix.resolve("paystream"));
    for (String inc : new String[] {"http.inc", "errors.inc"}) {
      Files.copy(
          Stack.ROOT.resolve("deploy/edge/nginx/" + inc),
          prefix.resolve("paystream/" + inc),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    int errorsPort = containerPort(errorBackend());
    int unknownPort = containerPort(apiCatchAll());
    String conf = Files.readString(Stack.ROOT.resolve("deploy/k8s/base/30-ingress-errors.conf"));
    int errorsLocal = freePort();
    int unknownLocal = freePort();
    String server =
        conf.replace("listen " + errorsPort + ";", "listen 127.0.0.1:" + errorsLocal + ";");
    if (unknownPort != errorsPort) {
      server =
          server.replace("listen " + unknownPort + ";", "listen 127.0.0.1:" + unknownLocal + ";");
    } else {
      unknownLocal = errorsLocal;
    }
    Files.writeString(prefix.resolve("errors.conf"), server);
    ScratchNginx nginx =
        ScratchNginx.start(prefix, "  include paystream/http.inc;", "  include errors.conf;");
    try {
      Api errors = Api.anonymous("http://127.0.0.1:" + errorsLocal);
      Api unknown = Api.anonymous("http://127.0.0.1:" + unknownLocal);
      nginx.waitUntilAnswering(errors);
      // The controller's own errors: rewritten to `/`, X-Code set by the controller.
      assertError(errors, "/", "502", 502, "SERVICE_UNAVAILABLE");
      assertError(errors, "/", "503", 503, "SERVICE_UNAVAILABLE");
      assertError(errors, "/", "504", 504, "SERVICE_UNAVAILABLE");
      assertError(errors, "/", "413", 413, "BAD_REQUEST_ERROR");
      assertError(errors, "/", "494", 431, "BAD_REQUEST_ERROR");
      assertError(errors, "/?a=b", "414", 414, "BAD_REQUEST_ERROR");
      // Handed over as they came (their own path; X-Code 503 from the controllers that send one,
      // none from the others, or a client's): a path whose service has no ready pod is
      // unavailable, not missing, whatever X-Code says; any other path is unknown.
      for (String code : new String[] {null, "503", "413", "404"}) {
        for (String path :
            new String[] {"/api/v1/orders", "/api/v1/payments/pay_x/refunds", "/health"}) {
          Api.Answer a = assertError(errors, path, code, 503, "SERVICE_UNAVAILABLE");
          assertEquals("1", a.header("Retry-After"), path);
          assertEquals("*", a.header("Access-Control-Allow-Origin"), path);
        }
        assertError(errors, "/no/such", code, 404, "NOT_FOUND_ERROR");
        assertError(errors, "/healthz/x", code, 404, "NOT_FOUND_ERROR");
      }
      assertEquals(
          404, errors.get("/_paystream_edge/502").status(), "the error pages cannot be asked for");
      // Unknown paths on the API host: the JSON 404, whatever the client sends, /healthz and `/`
      // included.
      for (String code : new String[] {null, "502", "503", "413", "500"}) {
        for (String path :
            new String[] {"/", "/healthz", "/no/such", "/api", "/_paystream_edge/502", "/?x=1"}) {
          assertError(unknown, path, code, 404, "NOT_FOUND_ERROR");
        }
      }
    } finally {
      nginx.stop();
    }
  }

  private static Api.Answer assertError(Api api, String path, String xCode, int status, String code)
      throws Exception {
    HttpRequest.Builder b = api.request(path).header("X-Request-ID", "ingress-req-1").GET();
    if (xCode != null) {
      b.header("X-Code", xCode);
    }
    Api.Answer a = api.send(b);
    String what = path + " with X-Code " + xCode;
    assertEquals(status, a.status(), what + ": " + a.raw());
    assertTrue(a.header("Content-Type").startsWith("application/json"), what);
    assertEquals(code, a.json().path("error").path("code").asText(), what);
    assertEquals("ingress-req-1", a.header("X-Request-Id"), what);
    return a;
  }

  /**
   * The {@code server} block of an nginx configuration that listens on {@code port} (the text
   * from its {@code server {} to the next one, or to the end).
   */
  static String server(String conf, int port) {
    String[] blocks = conf.split("(?m)^server \\{");
    for (int i = 1; i < blocks.length; i++) {
      if (Pattern.compile("(?m)^\\s*listen\\s+(?:\\S+:)?" + port + "[\\s;]")
          .matcher(blocks[i])
          .find()) {
        return blocks[i];
      }
    }
    throw new AssertionError("no server listens on " + port + " in\n" + conf);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** base's manifests, as written (no kubectl needed). */
  private static List<JsonNode> base(String file) throws Exception {
    return Yaml.all(Files.readString(Stack.ROOT.resolve("deploy/k8s/base/" + file)));
  }

  /** The Service and port of the Ingress' default backend (its first port). */
  private static String[] errorBackend() throws Exception {
    JsonNode ingress = base("ingress.yaml").get(0);
    String name =
        ingress
            .path("metadata")
            .path("annotations")
            .path("nginx.ingress.kubernetes.io/default-backend")
            .asText();
    JsonNode service = service(name);
    return new String[] {name, service.path("spec").path("ports").path(0).path("name").asText()};
  }

  /** The Service and port (name or number) of the API host's catch-all path. */
  private static String[] apiCatchAll() throws Exception {
    JsonNode ingress = base("ingress.yaml").get(0);
    for (JsonNode p : ingress.path("spec").path("rules").path(0).path("http").path("paths")) {
      if (p.path("path").asText().equals("/")) {
        JsonNode s = p.path("backend").path("service");
        JsonNode port = s.path("port");
        return new String[] {
          s.path("name").asText(),
          port.has("name") ? port.path("name").asText() : port.path("number").asText()
        };
      }
    }
    throw new AssertionError("the API host has no catch-all path");
  }

  private static JsonNode service(String name) throws Exception {
    for (JsonNode o : base("web.yaml")) {
      if (o.path("kind").asText().equals("Service")
          && o.path("metadata").path("name").asText().equals(name)) {
        return o;
      }
    }
    throw new AssertionError("no Service " + name + " in web.yaml");
  }

  /** The web pods' container port a Service port (by name or number) leads to. */
  private static int containerPort(String[] servicePort) throws Exception {
    JsonNode target = null;
    for (JsonNode p : service(servicePort[0]).path("spec").path("ports")) {
      if (p.path("name").asText().equals(servicePort[1])
          || p.path("port").asText().equals(servicePort[1])) {
        target = p.path("targetPort");
      }
    }
    assertTrue(target != null, "no port " + servicePort[1] + " in Service " + servicePort[0]);
    if (target.isInt()) {
      return target.asInt();
    }
    for (JsonNode o : base("web.yaml")) {
      if (o.path("kind").asText().equals("Deployment")) {
        for (JsonNode p :
            o.path("spec").path("template").path("spec").path("containers").path(0).path("ports")) {
          if (p.path("name").asText().equals(target.asText())) {
            return p.path("containerPort").asInt();
          }
        }
      }
    }
    throw new AssertionError("no container port " + target + " in the web Deployment");
  }
}
