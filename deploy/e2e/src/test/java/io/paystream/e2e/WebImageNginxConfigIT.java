package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The paystream/web image's nginx configuration, as compose and Kubernetes start it, is one a real
 * nginx accepts ({@code nginx -t}). There is no Docker engine here, so the image's /etc/nginx is
 * laid out from the final stage of web.Dockerfile ({@code COPY} of the repository's files), its
 * templates filled from each deployment's environment as the image's entrypoint fills them, and,
 * for Kubernetes, with the Ingress' error pages mounted as the pod mounts them. Upstream host names
 * become 127.0.0.1, which {@code nginx -t} can resolve; nothing else is changed but where the files
 * are.
 */
class WebImageNginxConfigIT {
  private static final Path ROOT = Stack.ROOT;
  private static final Path DOCKERFILE = ROOT.resolve("deploy/compose/web.Dockerfile");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}");
  private static final Pattern COMPOSE_DEFAULT = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}");
  private static final Pattern HOST_PORT = Pattern.compile("[a-z][a-z0-9-]*:(\\d+)");
  private static final Pattern LISTEN =
      Pattern.compile("(?m)^\\s*listen\\s+(?:\\S*:)?(\\d+)[\\s;]");

  @Test
  void composeStartsTheImagesNginx() throws Exception {
    JsonNode compose =
        Yaml.one(Files.readString(ROOT.resolve("deploy/compose/compose.yaml")))
            .path("services")
            .path("edge")
            .path("environment");
    Map<String, String> env = new HashMap<>();
    compose
        .properties()
        .forEach(
            e ->
                env.put(
                    e.getKey(), COMPOSE_DEFAULT.matcher(e.getValue().asText()).replaceAll("$1")));
    assertAccepted("compose", env, List.of());
  }

  @Test
  void kubernetesStartsTheImagesNginxWithTheIngressErrorPages() throws Exception {
    JsonNode web =
        Yaml.all(Files.readString(ROOT.resolve("deploy/k8s/base/web.yaml"))).stream()
            .filter(d -> d.path("kind").asText().equals("Deployment"))
            .findFirst()
            .orElseThrow();
    JsonNode container = web.path("spec").path("template").path("spec").path("containers").get(0);
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    String mount = container.path("volumeMounts").get(0).path("mountPath").asText();
    assertTrue(mount.startsWith("/etc/nginx/conf.d/"), mount);
    assertAccepted(
        "k8s",
        env,
        List.of(Map.entry(ROOT.resolve("deploy/k8s/base/30-ingress-errors.conf"), mount)));
  }

  /**
   * Lays out the image's /etc/nginx under target/web-image/{@code name}, adds {@code mounts} (a
   * repository file, its path in the container), and has nginx test it.
   */
  private static void assertAccepted(
      String name, Map<String, String> env, List<Map.Entry<Path, String>> mounts)
      throws IOException, InterruptedException {
    Path image = ROOT.resolve("deploy/e2e/target/web-image/" + name);
    deleteTree(image);
    layOut(image);
    for (Map.Entry<Path, String> m : mounts) {
      copy(m.getKey(), inImage(image, m.getValue()));
    }
    Path etc = inImage(image, "/etc/nginx");
    Path conf = etc.resolve("nginx.conf");
    assertTrue(Files.exists(conf), "the image brings its own nginx.conf");
    // The image's entrypoint: /etc/nginx/templates/X.template → /etc/nginx/conf.d/X.
    Path templates = etc.resolve("templates");
    if (Files.isDirectory(templates)) {
      try (DirectoryStream<Path> all = Files.newDirectoryStream(templates, "*.template")) {
        for (Path t : all) {
          String out = fill(Files.readString(t), env);
          String file = t.getFileName().toString().replaceFirst("\\.template$", "");
          Files.writeString(etc.resolve("conf.d").resolve(file), out);
        }
      }
    }
    assertRunsUnprivileged(Files.readString(conf), etc.resolve("conf.d"));
    // Where this machine's nginx may write, and the mime types the base image has in place.
    Files.copy(
        Path.of("/etc/nginx/mime.types"),
        etc.resolve("mime.types"),
        StandardCopyOption.REPLACE_EXISTING);
    String main =
        Files.readString(conf)
            .replace(" /tmp/", " " + image + "/tmp/")
            .replaceAll("(?m)^pid .*$", "pid " + image.resolve("nginx.pid") + ";")
            .replaceAll("(?m)^error_log .*$", "error_log " + image.resolve("error.log") + ";")
            .replace("/var/log/nginx/", image + "/");
    Files.writeString(conf, main);
    Files.createDirectories(inImage(image, "/tmp"));
    String out =
        Commands.run(
            image,
            Map.of(),
            Duration.ofSeconds(30),
            List.of(Commands.nginx(), "-t", "-p", etc + "/", "-c", conf.toString()));
    assertTrue(out.contains("test is successful"), out);
  }

  /**
   * The image runs as uid 101 (web.Dockerfile's last {@code USER}, the Deployment's {@code
   * runAsUser}), so nginx must not ask to switch users, must write only under /tmp (pid file,
   * temporary files) and must listen only on ports a user without privileges may bind; and it runs
   * within the pod's limits, so its number of workers is fixed, not the node's CPU count.
   */
  private static void assertRunsUnprivileged(String main, Path confD) throws IOException {
    List<String> lines = Files.readAllLines(DOCKERFILE);
    assertEquals("USER 101", lines.get(lines.size() - 1).trim(), "the image ends as uid 101");
    assertFalse(Pattern.compile("(?m)^\\s*user\\s").matcher(main).find(), "no user directive");
    Matcher workers = Pattern.compile("(?m)^worker_processes\\s+(\\S+);").matcher(main);
    assertTrue(
        workers.find() && workers.group(1).matches("[12]"),
        "a fixed number of workers that fits the pod's limits, not the node's CPU count");
    Matcher pid = Pattern.compile("(?m)^pid\\s+(\\S+);").matcher(main);
    assertTrue(pid.find() && pid.group(1).startsWith("/tmp/"), "the pid file is in /tmp");
    for (String kind : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      Matcher temp = Pattern.compile(kind + "_temp_path\\s+(\\S+);").matcher(main);
      assertTrue(temp.find() && temp.group(1).startsWith("/tmp/"), kind + " files go to /tmp");
    }
    int listens = 0;
    try (DirectoryStream<Path> all = Files.newDirectoryStream(confD, "*.conf")) {
      for (Path f : all) {
        Matcher listen = LISTEN.matcher(Files.readString(f));
        while (listen.find()) {
          listens++;
          assertTrue(Integer.parseInt(listen.group(1)) >= 1024, f + ": " + listen.group());
        }
      }
    }
    assertTrue(listens >= 3, "the servers' listen directives were found: " + listens);
  }

  /**
   * The final stage of web.Dockerfile: its {@code COPY} lines of repository files; what comes from
   * the build stage (the apps) and the base image is not nginx configuration.
   */
  private static void layOut(Path image) throws IOException {
    List<String> lines = Files.readAllLines(DOCKERFILE);
    int last = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FROM ")) {
        last = i;
      }
    }
    for (String line : lines.subList(last, lines.size())) {
      String[] words = line.trim().split("\\s+");
      if (!words[0].equals("COPY") || line.contains("--from=")) {
        continue;
      }
      assertTrue(words.length == 3, "one source per COPY: " + line);
      String source = words[1];
      String target = words[2];
      int slash = source.lastIndexOf('/');
      Path dir = ROOT.resolve(source.substring(0, slash));
      try (DirectoryStream<Path> matched =
          Files.newDirectoryStream(dir, source.substring(slash + 1))) {
        int n = 0;
        for (Path file : matched) {
          n++;
          Path to = inImage(image, target);
          copy(file, target.endsWith("/") ? to.resolve(file.getFileName().toString()) : to);
        }
        assertTrue(n > 0, "COPY finds its files: " + line);
      }
    }
  }

  private static String fill(String template, Map<String, String> env) {
    Matcher m = VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) {
        m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
        continue;
      }
      Matcher upstream = HOST_PORT.matcher(value);
      if (upstream.matches()) {
        value = "127.0.0.1:" + upstream.group(1);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Path inImage(Path image, String path) {
    return image.resolve(path.substring(1));
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
