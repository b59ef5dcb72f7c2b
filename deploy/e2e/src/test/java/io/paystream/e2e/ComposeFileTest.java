package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose cannot run here (no Docker engine), so what can be known without one is checked:
 * the file parses, every service has what it needs (its image's Dockerfile, its own database role,
 * health checks, only settings the service actually reads), PostgreSQL creates the roles, Redis
 * persists, and the edge image gets every variable its nginx templates use.
 */
class ComposeFileTest {
  private static final Path ROOT = Stack.ROOT;
  private static final Path COMPOSE = ROOT.resolve("deploy/compose");
  private static final Map<String, String> ROLES =
      Map.of(
          "payments-service",
          "payments",
          "refund-service",
          "refunds",
          "webhook-service",
          "webhooks");
  private static final Map<String, Integer> PORTS =
      Map.of("payments-service", 8081, "refund-service", 8082, "webhook-service", 8083);
  private static JsonNode services;

  @BeforeAll
  static void parse() throws IOException {
    JsonNode compose = Yaml.one(Files.readString(COMPOSE.resolve("compose.yaml")));
    services = compose.path("services");
    assertEquals(
        Set.of(
            "postgres", "redis", "payments-service", "refund-service", "webhook-service", "edge"),
        names(services));
    assertTrue(compose.path("volumes").has("pgdata") && compose.path("volumes").has("redisdata"));
  }

  @Test
  void redisPersistsWithAnAppendOnlyFile() {
    String command = services.path("redis").path("command").toString();
    assertTrue(command.contains("\"--appendonly\",\"yes\""), command);
    assertTrue(services.path("redis").path("volumes").toString().contains("redisdata:/data"));
  }

  @Test
  void postgresCreatesOneRolePerServiceLimitedToItsSchema() throws IOException {
    JsonNode pg = services.path("postgres");
    for (JsonNode volume : pg.path("volumes")) {
      String source = volume.asText().split(":")[0];
      if (source.startsWith(".")) {
        assertTrue(
            Files.exists(COMPOSE.resolve(source).normalize()), "mounted file exists: " + source);
      }
    }
    String sql = Files.readString(ROOT.resolve("deploy/k8s/base/postgres-roles.sql"));
    for (String role : ROLES.values()) {
      assertTrue(
          sql.contains("CREATE SCHEMA IF NOT EXISTS " + role + " AUTHORIZATION " + role), role);
      assertTrue(sql.contains("ALTER ROLE " + role + " PASSWORD :'" + role + "_password'"), role);
      assertTrue(pg.path("environment").has(role.toUpperCase() + "_DB_PASSWORD"), role);
    }
    assertTrue(sql.contains("REVOKE ALL ON SCHEMA public FROM PUBLIC"));
    assertTrue(sql.contains("NOSUPERUSER NOCREATEDB NOCREATEROLE"));
    String init = Files.readString(COMPOSE.resolve("postgres/10-paystream-roles.sh"));
    assertTrue(init.contains("-f /paystream/postgres-roles.sql"));
  }

  @Test
  void eachServiceIsBuiltFromItsJvmDockerfileAndUsesItsOwnRole() throws IOException {
    for (String name : ROLES.keySet()) {
      JsonNode s = services.path(name);
      Path context = COMPOSE.resolve(s.path("build").path("context").asText()).normalize();
      assertEquals(ROOT.resolve(name), context);
      Path dockerfile = context.resolve(s.path("build").path("dockerfile").asText());
      assertEquals(context.resolve("src/main/docker/Dockerfile.jvm"), dockerfile);
      String jvm = Files.readString(dockerfile);
      assertTrue(jvm.contains("COPY --chown=185 target/quarkus-app/"), name);
      assertTrue(jvm.contains("USER 185"), name + " runs as a non-root user");
      // The heap is a fixed share of the container's memory limit, set through the launcher's
      // own variables (JAVA_OPTS would silently disable JAVA_OPTS_APPEND), and small enough to
      // leave the JVM's other ~150 MiB room under 512 MiB (deploy/bench/memory.sh).
      Map<String, String> env = dockerEnv(jvm);
      assertFalse(env.containsKey("JAVA_OPTS"), name + " leaves JAVA_OPTS to the launcher");
      int ratio = Integer.parseInt(env.getOrDefault("JAVA_MAX_MEM_RATIO", "80"));
      assertTrue(ratio > 0 && ratio <= 50, name + " heap share " + ratio);
      assertTrue(
          env.getOrDefault("JAVA_OPTS_APPEND", "").contains("-XX:InitialRAMPercentage=" + ratio),
          name + " starts with its whole heap");
      assertEquals("512m", s.path("mem_limit").asText(), name + " has a memory limit");
      String nativeFile = Files.readString(context.resolve("src/main/docker/Dockerfile.native"));
      assertTrue(
          nativeFile.contains("FROM quay.io/quarkus/ubi9-quarkus-micro-image:"),
          name + " native on UBI 9 micro, whose glibc the executable is built against");
      assertTrue(nativeFile.contains("USER 1001"), name + " native runs as a non-root user");

      URI db = URI.create(interpolate(s.path("environment").path("DATABASE_URL").asText()));
      assertEquals(
          ROLES.get(name), db.getUserInfo().split(":")[0], name + " connects as its own role");
      assertEquals("postgres", db.getHost());
      assertEquals("redis://redis:6379", s.path("environment").path("REDIS_URL").asText());
      assertEquals(Integer.toString(PORTS.get(name)), s.path("environment").path("PORT").asText());
      assertTrue(
          s.path("healthcheck")
              .path("test")
              .toString()
              .contains("localhost:" + PORTS.get(name) + "/q/health/ready"));
      assertEquals(
          "service_healthy", s.path("depends_on").path("postgres").path("condition").asText());
      assertEquals(
          "service_healthy", s.path("depends_on").path("redis").path("condition").asText());
      assertTrue(s.path("stop_grace_period").asText().endsWith("s"), "graceful stop");
      // An operator can make a missing key fatal without editing the file.
      assertEquals(
          "${REQUIRE_ENCRYPTION_KEY:-false}",
          s.path("environment").path("REQUIRE_ENCRYPTION_KEY").asText(),
          name);
    }
    // ... and turn off the test merchant, whose credentials are published.
    assertEquals(
        "${SEED_TEST_MERCHANT:-true}",
        services.path("payments-service").path("environment").path("SEED_TEST_MERCHANT").asText());
  }

  @Test
  void everySettingGivenToAServiceIsOneItReads() throws IOException {
    for (String name : ROLES.keySet()) {
      String properties =
          Files.readString(ROOT.resolve(name).resolve("src/main/resources/application.properties"));
      Set<String> read = new TreeSet<>(Set.of("DATABASE_URL", "REDIS_URL")); // EnvUrlConfigSource
      Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(properties);
      while (m.find()) {
        read.add(m.group(1));
      }
      for (String key : names(services.path(name).path("environment"))) {
        assertTrue(
            read.contains(key) || key.startsWith("QUARKUS_"),
            name + " is given " + key + ", which it does not read (it reads " + read + ")");
      }
    }
  }

  @Test
  void theEdgeImageGetsEveryVariableOfItsTemplates() throws IOException {
    JsonNode edge = services.path("edge");
    Path dockerfile =
        COMPOSE
            .resolve(edge.path("build").path("context").asText())
            .normalize()
            .resolve(edge.path("build").path("dockerfile").asText());
    String web = Files.readString(dockerfile);
    Matcher copies = Pattern.compile("(?m)^COPY (?!--from)(\\S+)").matcher(web);
    while (copies.find()) {
      String source = copies.group(1);
      // A glob names files in a folder that must exist; anything else must exist itself.
      Path path =
          ROOT.resolve(
              source.contains("*") ? source.substring(0, source.lastIndexOf('/')) : source);
      assertTrue(Files.exists(path), "COPY source exists: " + source);
    }
    Set<String> used = new TreeSet<>();
    for (String template : new String[] {"edge.conf.template", "apps.conf.template"}) {
      assertTrue(web.contains("deploy/edge/nginx/" + template), template + " is in the image");
      String config = Files.readString(ROOT.resolve("deploy/edge/nginx/" + template));
      Matcher m =
          Pattern.compile("\\$\\{([A-Z_]+)}").matcher(config.replaceAll("(?m)^\\s*#.*$", ""));
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    assertFalse(used.isEmpty());
    assertEquals(used, names(edge.path("environment")), "exactly the templates' variables");
    assertEquals(
        "payments-service:8081", edge.path("environment").path("PAYMENTS_UPSTREAM").asText());
    assertTrue(edge.path("ports").toString().contains("8000:8000"));
  }

  /** Compose's interpolation with nothing set: {@code ${X:-default}} is the default. */
  private static String interpolate(String value) {
    return value.replaceAll("\\$\\{[A-Z0-9_]+:-([^}]*)}", "$1").replaceAll("\\$\\{[A-Z0-9_]+}", "");
  }

  private static Set<String> names(JsonNode object) {
    Set<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The {@code ENV NAME=value} and {@code ENV NAME="value"} lines of a Dockerfile. */
  private static Map<String, String> dockerEnv(String dockerfile) {
    Map<String, String> env = new HashMap<>();
    Matcher m =
        Pattern.compile("(?m)^ENV ([A-Z_][A-Z0-9_]*)=(?:\"([^\"]*)\"|(\\S*))\\s*$")
            .matcher(dockerfile);
    while (m.find()) {
      env.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    }
    return env;
  }
}
