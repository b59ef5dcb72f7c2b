package io.paystream.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The Kubernetes manifests of deploy/k8s as rendered by {@code kubectl kustomize} (kubectl 1.27 or
 * later; a test calling {@link #assumeKubectl} is skipped, saying so, where it is missing).
 */
final class Manifests {
  private Manifests() {}

  /** Skips the calling test class unless a kubectl of 1.27 or later is installed. */
  static void assumeKubectl() throws Exception {
    String version = null;
    try {
      version = run("kubectl", "version", "--client", "-o", "json");
    } catch (IOException e) {
      // not installed: said below
    }
    assumeTrue(
        version != null, "kubectl is not installed: the Kubernetes manifests were NOT rendered");
    JsonNode client = Api.JSON.readTree(version).path("clientVersion");
    int minor = Integer.parseInt(client.path("minor").asText().replaceAll("\\D", ""));
    assumeTrue(
        client.path("major").asInt() == 1 && minor >= 27,
        "kubectl "
            + client.path("gitVersion").asText()
            + " is older than 1.27: the manifests were NOT rendered");
  }

  /** One of deploy/k8s/overlays, rendered. */
  static List<JsonNode> render(String overlay) throws Exception {
    return Yaml.all(
        run(
            "kubectl",
            "kustomize",
            Stack.ROOT.resolve("deploy/k8s/overlays/" + overlay).toString()));
  }

  /**
   * An operator's own overlay, written to deploy/e2e/target/{@code name} and rendered: the overlay
   * {@code base} with the components of deploy/k8s/components named.
   */
  static List<JsonNode> renderWith(String name, String base, String... components)
      throws Exception {
    Path overlay = Stack.ROOT.resolve("deploy/e2e/target/" + name);
    Files.createDirectories(overlay);
    StringBuilder kustomization =
        new StringBuilder(
            "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\n"
                + "namespace: paystream\n"
                + "resources:\n  - ../../../k8s/overlays/"
                + base
                + "\ncomponents:\n");
    for (String component : components) {
      kustomization.append("  - ../../../k8s/components/").append(component).append('\n');
    }
    Files.writeString(overlay.resolve("kustomization.yaml"), kustomization.toString());
    return Yaml.all(run("kubectl", "kustomize", overlay.toString()));
  }

  static JsonNode find(List<JsonNode> objects, String kind, String name) {
    return find(objects, kind, name, name::equals);
  }

  /** A generated ConfigMap or Secret: its name is {@code name}, a dash and a content hash. */
  static JsonNode findGenerated(List<JsonNode> objects, String kind, String name) {
    return find(objects, kind, name + "-<hash>", n -> n.startsWith(name + "-"));
  }

  private static JsonNode find(
      List<JsonNode> objects, String kind, String name, Predicate<String> named) {
    return objects.stream()
        .filter(
            o ->
                o.path("kind").asText().equals(kind)
                    && named.test(o.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no "
                        + kind
                        + " "
                        + name
                        + " in "
                        + objects.stream()
                            .map(
                                o ->
                                    o.path("kind").asText()
                                        + "/"
                                        + o.path("metadata").path("name").asText())
                            .collect(Collectors.joining(", "))));
  }

  static String run(String... command) throws IOException, InterruptedException {
    return Commands.run(Stack.ROOT, Map.of(), Duration.ofMinutes(2), List.of(command));
  }
}
