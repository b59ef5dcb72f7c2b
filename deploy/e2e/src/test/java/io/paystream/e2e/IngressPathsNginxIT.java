package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Ingress' paths (deploy/k8s/base/ingress.yaml) as ingress-nginx writes them with use-regex,
 * under a real nginx: each a case-insensitive location {@code ~* "^<path>"}, longest first. Every
 * sample path, its rule's path in lower case or in another case, goes where the edge's
 * case-sensitive locations send it ({@link Routes}; the edge's unknown paths being the API host's
 * JSON 404 or an app here). This checks what {@code KubernetesManifestsTest} models in Java with
 * nginx's own regular expressions (PCRE): that a path's inline {@code (?-i)} makes it
 * case-sensitive again.
 */
class IngressPathsNginxIT {
  @Test
  void thePathsMatchWithTheirCaseAsAtTheEdge() throws Exception {
    Path prefix = Stack.ROOT.resolve("deploy/e2e/target/ingress-paths");
    JsonNode ingress =
        Yaml.all(Files.readString(Stack.ROOT.resolve("deploy/k8s/base/ingress.yaml"))).get(0);
    List<Routes.Location> edge =
        Routes.edge(Stack.ROOT.resolve("deploy/edge/nginx/api-routes.inc"));
    StringBuilder servers = new StringBuilder();
    List<Integer> ports = new ArrayList<>();
    for (JsonNode rule : ingress.path("spec").path("rules")) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      ports.add(port);
      servers.append("  server {\n    listen 127.0.0.1:").append(port).append(";\n");
      List<JsonNode> paths = new ArrayList<>();
      rule.path("http").path("paths").forEach(paths::add);
      // ingress-nginx's order: by path, then (stable) by length, longest first.
      paths.sort(Comparator.comparing((JsonNode p) -> p.path("path").asText()).reversed());
      paths.sort(
          Comparator.comparingInt((JsonNode p) -> p.path("path").asText().length()).reversed());
      for (JsonNode p : paths) {
        String service = p.path("backend").path("service").path("name").asText();
        servers
            .append("    location ~* \"^")
            .append(p.path("path").asText())
            .append("\" { return 200 \"")
            .append(Stack.SERVICES.contains(service) ? service : "web")
            .append("\"; }\n");
      }
      servers.append("  }\n");
    }
    ScratchNginx nginx =
        ScratchNginx.start(prefix, "  default_type text/plain;", servers.toString());
    try {
      for (int i = 0; i < ports.size(); i++) {
        Api api = Api.anonymous("http://127.0.0.1:" + ports.get(i));
        nginx.waitUntilAnswering(api);
        String host = ingress.path("spec").path("rules").path(i).path("host").asText();
        for (String sample :
            Stream.concat(Routes.SAMPLES.stream(), Routes.OTHER_CASES.stream()).toList()) {
          String atEdge = Routes.edgeRoute(edge, sample);
          assertEquals(
              atEdge.equals("edge-404") ? "web" : atEdge,
              api.get(sample).raw(),
              host + " routes " + sample + " as the edge does");
        }
      }
    } finally {
      nginx.stop();
    }
  }
}
