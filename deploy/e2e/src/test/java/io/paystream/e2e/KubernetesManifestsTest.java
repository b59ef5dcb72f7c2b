package io.paystream.e2e;

import static io.paystream.e2e.Manifests.find;
import static io.paystream.e2e.Manifests.findGenerated;
import static io.paystream.e2e.Manifests.render;
import static io.paystream.e2e.Manifests.renderWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every overlay of deploy/k8s with {@code kubectl kustomize} (kubectl 1.27 or later; the
 * tests are skipped, saying so, where it is missing) and checks what an operator relies on.
 */
class KubernetesManifestsTest {
  private static final List<String> SERVICES = Stack.SERVICES;
  private static final Map<String, String> DB_SECRETS =
      Map.of(
          "payments-service", "payments-service-db",
          "refund-service", "refund-service-db",
          "webhook-service", "webhook-service-db");

  @BeforeAll
  static void kubectl() throws Exception {
    Manifests.assumeKubectl();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jvm", "jvm-hpa", "native"})
  void overlayRendersWithProbesResourcesShutdownAndBudgets(String overlay) throws Exception {
    List<JsonNode> objects = render(overlay);
    for (String name : SERVICES) {
      JsonNode deployment = find(objects, "Deployment", name);
      assertEquals("paystream", deployment.path("metadata").path("namespace").asText());
      JsonNode pod = deployment.path("spec").path("template").path("spec");
      JsonNode c = pod.path("containers").path(0);
      assertEquals(
          "/q/health/started", c.path("startupProbe").path("httpGet").path("path").asText(), name);
      // A pod started during a database outage waits for it (Flyway's tries, as the service is
      // configured) instead of being killed into a crash loop, and one whose database is wrong for
      // good exits saying why before the probe kills it: the startup probe gives the longest wait
      // and a minute more to start and migrate, native or not (StartupBudgetTest).
      JsonNode startup = c.path("startupProbe");
      FlywayRetryWindow window = FlywayRetryWindow.of(name);
      assertTrue(
          window
                  .longest()
                  .plus(StartupBudgetTest.START_AND_MIGRATE)
                  .compareTo(StartupBudgetTest.budget(startup))
              <= 0,
          name + " startup budget " + startup + ", Flyway tries for up to " + window.longest());
      assertEquals(
          "/q/health/live", c.path("livenessProbe").path("httpGet").path("path").asText(), name);
      // Readiness is "this pod can serve": not whether Redis or PostgreSQL answer, which is the
      // same for every pod (all of them out of service would turn a Redis blip into a 503 for
      // every request, where payments are still accepted without Redis).
      assertEquals(
          "/q/health/group/serving",
          c.path("readinessProbe").path("httpGet").path("path").asText(),
          name);
      for (String kind : List.of("requests", "limits")) {
        assertTrue(c.path("resources").path(kind).has("cpu"), name + " " + kind + " cpu");
        assertTrue(c.path("resources").path(kind).has("memory"), name + " " + kind + " memory");
      }
      // Memory is requested in full, native or not: a pod using more than it requested is among
      // the first evicted when its node runs short of memory.
      assertEquals(
          c.path("resources").path("limits").path("memory").asText(),
          c.path("resources").path("requests").path("memory").asText(),
          name + " requests its memory limit");
      long limitMiB = mebibytes(c.path("resources").path("limits").path("memory").asText());
      int ratio = javaMaxMemRatio(name);
      if (overlay.equals("native")) {
        // A native executable's heap is capped as the JVM image caps its own (JAVA_MAX_MEM_RATIO
        // of the limit): left to itself, its serial GC would take 80 % of the memory it sees.
        List<String> heap = new ArrayList<>();
        c.path("args").forEach(a -> heap.add(a.asText()));
        assertEquals(
            List.of("-Xmx" + limitMiB * ratio / 100 + "m"),
            heap.stream().filter(a -> a.startsWith("-Xmx")).toList(),
            name
                + ": -Xmx at "
                + ratio
                + " % of its "
                + limitMiB
                + " MiB limit, in "
                + c.path("args"));
      } else {
        // The JVM image's launcher sizes the heap from the limit: no heap flag of the pod's own.
        assertTrue(c.path("args").isMissingNode(), name + " args " + c.path("args"));
      }
      assertTrue(
          c.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt() > 0, name);
      assertTrue(pod.path("terminationGracePeriodSeconds").asInt() >= 45, name);
      assertEquals(
          0,
          deployment
              .path("spec")
              .path("strategy")
              .path("rollingUpdate")
              .path("maxUnavailable")
              .asInt());
      String env = c.path("env").toString();
      assertTrue(env.contains("\"name\":\"DATABASE_URL\""), name);
      assertTrue(env.contains(DB_SECRETS.get(name)), name + " reads its own role's DATABASE_URL");
      // Redis's URL may hold its password: it comes from a Secret, as the database's does.
      assertTrue(
          env.contains(
              "{\"name\":\"REDIS_URL\",\"valueFrom\":{\"secretKeyRef\":{\"key\":\"REDIS_URL\","
                  + "\"name\":\""
                  + findGenerated(objects, "Secret", "paystream-secrets")
                      .path("metadata")
                      .path("name")
                      .asText()
                  + "\"}}}"),
          name + " reads REDIS_URL from paystream-secrets: " + env);
      assertTrue(c.path("envFrom").toString().contains("paystream-config"), name);
      assertTrue(
          c.path("image")
              .asText()
              .startsWith(
                  "paystream/" + name + ":" + (overlay.equals("native") ? "native" : "jvm")));

      JsonNode pdb = find(objects, "PodDisruptionBudget", name);
      assertEquals(
          name,
          pdb.path("spec")
              .path("selector")
              .path("matchLabels")
              .path("app.kubernetes.io/name")
              .asText());
      // One pod at a time, however far the autoscaler has scaled it out (minAvailable: 1 would let
      // a drain take 11 of 12 webhook-service pods at once).
      assertEquals(1, pdb.path("spec").path("maxUnavailable").asInt(), name);
      assertTrue(pdb.path("spec").path("minAvailable").isMissingNode(), name);
      find(objects, "Service", name);
    }
    for (JsonNode o : objects) {
      if (!o.path("kind").asText().equals("Namespace")) {
        assertEquals(
            "paystream",
            o.path("metadata").path("namespace").asText(),
            o.path("kind").asText() + " " + o.path("metadata").path("name").asText());
      }
    }
    assertFalse(
        find(objects, "Deployment", "webhook-service").path("spec").has("replicas"),
        "the autoscaler owns webhook-service's replica count: an apply must not reset it");
    // Placeholders that fail closed: with an empty ENCRYPTION_KEY the services do not start
    // (REQUIRE_ENCRYPTION_KEY), an empty ADMIN_TOKEN leaves onboarding off.
    JsonNode secrets = findGenerated(objects, "Secret", "paystream-secrets");
    assertEquals("", secrets.path("data").path("ENCRYPTION_KEY").asText("missing"));
    assertEquals("", secrets.path("data").path("ADMIN_TOKEN").asText("missing"));
    JsonNode config = findGenerated(objects, "ConfigMap", "paystream-config");
    assertEquals("true", config.path("data").path("REQUIRE_ENCRYPTION_KEY").asText("missing"));
    // No URL that may carry a password in a ConfigMap (readable more widely, not encrypted).
    for (JsonNode o : objects) {
      if (o.path("kind").asText().equals("ConfigMap")) {
        for (String key : List.of("REDIS_URL", "DATABASE_URL")) {
          assertFalse(o.path("data").has(key), o.path("metadata").path("name") + " holds " + key);
        }
      }
    }
    assertFalse(secrets.path("data").path("REDIS_URL").asText("").isEmpty(), "REDIS_URL");
    // No merchant with public credentials (the test merchant) in a cluster.
    assertTrue(
        find(objects, "Deployment", "payments-service")
            .toString()
            .contains("{\"name\":\"SEED_TEST_MERCHANT\",\"value\":\"false\"}"));
    // Generated names carry a content hash; the workloads must point at the generated objects
    // (a reference left at a base name, or at a stale hash, finds no object in a cluster).
    Set<String> generated = new HashSet<>();
    for (JsonNode o : objects) {
      if (o.path("kind").asText().matches("ConfigMap|Secret")) {
        generated.add(o.path("kind").asText() + "/" + o.path("metadata").path("name").asText());
      }
    }
    Set<String> referenced = new HashSet<>();
    for (JsonNode o : objects) {
      if (o.path("kind").asText().matches("Deployment|Job")) {
        collectReferences(o.path("spec"), referenced);
      }
    }
    assertTrue(referenced.size() >= 2, "workloads reference " + referenced);
    for (String ref : referenced) {
      assertTrue(generated.contains(ref), ref + " is referenced but not rendered: " + generated);
      assertTrue(ref.matches(".*-[a-z0-9]{10}"), ref + " carries no content hash");
    }
    JsonNode job = find(objects, "Job", "db-roles");
    assertTrue(job.toString().contains("postgres-roles.sql"));
    JsonNode sql =
        objects.stream()
            .filter(
                o ->
                    o.path("kind").asText().equals("ConfigMap")
                        && o.path("data").has("postgres-roles.sql"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        sql.path("data").path("postgres-roles.sql").asText().contains("AUTHORIZATION webhooks"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jvm", "jvm-hpa", "native"})
  void everyPodRunsWithoutPrivileges(String overlay) throws Exception {
    List<String> checked = new ArrayList<>();
    for (JsonNode o : render(overlay)) {
      String kind = o.path("kind").asText();
      if (!kind.equals("Deployment") && !kind.equals("Job")) {
        continue;
      }
      String name = kind + " " + o.path("metadata").path("name").asText();
      JsonNode pod = o.path("spec").path("template").path("spec");
      JsonNode context = pod.path("securityContext");
      assertTrue(context.path("runAsNonRoot").asBoolean(), name + ": runAsNonRoot");
      if (context.has("runAsUser")) {
        assertTrue(context.path("runAsUser").asInt() > 0, name + ": runAsUser");
      }
      assertEquals(
          "RuntimeDefault",
          context.path("seccompProfile").path("type").asText(),
          name + ": seccomp");
      for (JsonNode c : pod.path("containers")) {
        JsonNode own = c.path("securityContext");
        assertFalse(
            own.path("allowPrivilegeEscalation").asBoolean(true),
            name + ": allowPrivilegeEscalation");
        assertEquals("[\"ALL\"]", own.path("capabilities").path("drop").toString(), name);
      }
      checked.add(name);
    }
    assertTrue(checked.contains("Deployment web"), "the web Deployment was checked: " + checked);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jvm", "native"})
  void webhookServiceScalesOnItsBacklogWithKeda(String overlay) throws Exception {
    List<JsonNode> objects = render(overlay);
    JsonNode scaled = find(objects, "ScaledObject", "webhook-service");
    assertEquals(
        "webhook-service", scaled.path("spec").path("scaleTargetRef").path("name").asText());
    assertTrue(
        scaled.path("spec").path("minReplicaCount").asInt() >= 2, "keeps the PDB satisfiable");
    List<String> types = new ArrayList<>();
    for (JsonNode t : scaled.path("spec").path("triggers")) {
      types.add(t.path("type").asText());
      if (t.path("type").asText().equals("redis-streams")) {
        assertEquals("webhook-service", t.path("metadata").path("consumerGroup").asText());
        assertTrue(t.path("metadata").path("stream").asText().startsWith("paystream:"));
      }
      if (t.path("type").asText().equals("postgresql")) {
        String query = t.path("metadata").path("query").asText();
        assertTrue(query.contains("webhooks.deliveries"));
        // What one more replica could take: the shared queue of due deliveries as the workers'
        // claim reads it, and never the deliveries parked behind an endpoint's (or merchant's)
        // share, which each replica added would only send to that endpoint once more.
        assertTrue(
            query.contains(claimedQueue().replace("$1", "now()")),
            "the claim's own queue (" + claimedQueue() + "): " + query);
        assertFalse(
            Pattern.compile("(?<!NOT )\\bparked\\b").matcher(query).find(),
            "counts no parked delivery: " + query);
        // Cheap at every poll: read no further than the count that asks for the most replicas.
        Matcher limit = Pattern.compile("\\bLIMIT (\\d+)\\b").matcher(query);
        assertTrue(limit.find(), "the count stops somewhere: " + query);
        assertEquals(
            scaled.path("spec").path("maxReplicaCount").asLong()
                * t.path("metadata").path("targetQueryValue").asLong(),
            Long.parseLong(limit.group(1)),
            "stops at maxReplicaCount x targetQueryValue, no sooner (and no later)");
      }
    }
    assertTrue(types.containsAll(List.of("redis-streams", "postgresql")), types.toString());
    JsonNode auth = find(objects, "TriggerAuthentication", "webhook-service-db");
    for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
      // The generated Secret's name carries a content hash: the reference must carry it too.
      JsonNode secret = find(objects, "Secret", ref.path("name").asText());
      assertTrue(secret.path("data").has(ref.path("key").asText()), ref.toString());
    }
    // The database trigger connects as webhook-service does: its whole DATABASE_URL, the one
    // Secret key the service itself reads, and no password of its own for KEDA to quote.
    JsonNode deployment = find(objects, "Deployment", "webhook-service");
    String databaseUrlSecret = "";
    for (JsonNode e :
        deployment
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .path(0)
            .path("env")) {
      if (e.path("name").asText().equals("DATABASE_URL")) {
        databaseUrlSecret = e.path("valueFrom").path("secretKeyRef").path("name").asText();
      }
    }
    Map<String, String> parameters = new TreeMap<>();
    for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
      parameters.put(
          ref.path("parameter").asText(),
          ref.path("name").asText() + "/" + ref.path("key").asText());
    }
    assertEquals(
        Map.of("connection", databaseUrlSecret + "/DATABASE_URL"),
        parameters,
        "the trigger's connection is webhook-service's own DATABASE_URL, and nothing else");
    assertTrue(
        objects.stream().noneMatch(o -> o.path("kind").asText().equals("HorizontalPodAutoscaler")),
        "KEDA owns the HPA: no second one");
  }

  @Test
  void theHpaAlternativeScalesWebhookServiceOnCpu() throws Exception {
    List<JsonNode> objects = render("jvm-hpa");
    JsonNode hpa = find(objects, "HorizontalPodAutoscaler", "webhook-service");
    assertEquals("webhook-service", hpa.path("spec").path("scaleTargetRef").path("name").asText());
    assertEquals(
        "cpu", hpa.path("spec").path("metrics").path(0).path("resource").path("name").asText());
    assertTrue(objects.stream().noneMatch(o -> o.path("kind").asText().equals("ScaledObject")));
    // A new pod's JIT compiling is no load: scaling up waits for CPU that lasts.
    assertTrue(
        hpa.path("spec").path("behavior").path("scaleUp").path("stabilizationWindowSeconds").asInt()
            >= 60,
        hpa.toString());
  }

  /** A request the Ingress retries on another pod gives up retrying when the edge's does. */
  @Test
  void theIngressRetriesOnAnotherPodAsTheEdgeDoes() throws Exception {
    JsonNode annotations =
        find(render("jvm"), "Ingress", "paystream").path("metadata").path("annotations");
    String edge = Files.readString(Stack.ROOT.resolve("deploy/edge/nginx/proxy.inc"));
    for (String[] pair :
        new String[][] {
          {"proxy-next-upstream", "proxy_next_upstream (.+);"},
          {"proxy-next-upstream-tries", "proxy_next_upstream_tries (\\d+);"},
          {"proxy-next-upstream-timeout", "proxy_next_upstream_timeout (\\d+)s;"}
        }) {
      Matcher m = Pattern.compile(pair[1]).matcher(edge);
      assertTrue(m.find(), pair[1]);
      assertEquals(
          m.group(1), annotations.path("nginx.ingress.kubernetes.io/" + pair[0]).asText(), pair[0]);
    }
  }

  @Test
  void theIngressRoutesEveryPathAsTheEdgeDoes() throws Exception {
    List<JsonNode> objects = render("jvm");
    JsonNode ingress = find(objects, "Ingress", "paystream");
    JsonNode annotations = ingress.path("metadata").path("annotations");
    assertEquals("true", annotations.path("nginx.ingress.kubernetes.io/use-regex").asText());
    assertEquals("1m", annotations.path("nginx.ingress.kubernetes.io/proxy-body-size").asText());
    // The controller's own errors become JSON; a service's own error bodies pass untouched.
    List<String> intercepted =
        List.of(
            annotations.path("nginx.ingress.kubernetes.io/custom-http-errors").asText().split(","));
    assertTrue(
        intercepted.containsAll(List.of("413", "494", "502", "503", "504")),
        intercepted.toString());
    for (String own : List.of("400", "401", "404", "405", "409", "429", "500")) {
      assertFalse(intercepted.contains(own), own + " is a service's own answer: " + intercepted);
    }
    assertEquals(
        "web-errors", annotations.path("nginx.ingress.kubernetes.io/default-backend").asText());
    find(objects, "Service", "web-errors");

    List<Routes.Location> edge =
        Routes.edge(Stack.ROOT.resolve("deploy/edge/nginx/api-routes.inc"));
    assertFalse(edge.isEmpty());
    assertEquals(3, ingress.path("spec").path("rules").size());
    for (JsonNode rule : ingress.path("spec").path("rules")) {
      List<Routes.Location> paths = new ArrayList<>();
      for (JsonNode p : rule.path("http").path("paths")) {
        JsonNode backend = p.path("backend").path("service");
        String target =
            Stack.SERVICES.contains(backend.path("name").asText())
                ? backend.path("name").asText()
                : "web";
        paths.add(new Routes.Location("regex", p.path("path").asText(), target));
      }
      for (String sample : Routes.SAMPLES) {
        assertEquals(
            Routes.edgeRoute(edge, sample),
            Routes.ingressRoute(paths, sample),
            rule.path("host").asText() + " routes " + sample + " as the edge does");
      }
      assertEquals(
          "web", Routes.ingressRoute(paths, "/no/such/thing"), "the rest: the app or the JSON 404");
      // Paths match with their case, as at the edge: /API/V1/PAYMENTS is an unknown path there
      // (its JSON 404; on the apps' origins, the app), not payments-service's.
      for (String sample : Routes.OTHER_CASES) {
        String atEdge = Routes.edgeRoute(edge, sample);
        assertEquals(
            atEdge.equals("edge-404") ? "web" : atEdge,
            Routes.ingressRoute(paths, sample),
            rule.path("host").asText() + " routes " + sample + " as the edge does");
      }
    }
  }

  /**
   * Unknown paths on the API host, /healthz among them, get the JSON 404 from a server that reads
   * nothing the client sent: never the error server, which takes the code to answer from X-Code
   * (the controller's own errors) and answers /healthz for the kubelet.
   */
  @Test
  void unknownPathsOnTheApiHostNeverReachTheErrorServer() throws Exception {
    List<JsonNode> objects = render("jvm");
    JsonNode ingress = find(objects, "Ingress", "paystream");
    JsonNode api = ingress.path("spec").path("rules").path(0);
    assertEquals("api.paystream.example", api.path("host").asText());
    JsonNode catchAll = null;
    for (JsonNode p : api.path("http").path("paths")) {
      if (p.path("path").asText().equals("/")) {
        catchAll = p.path("backend").path("service");
      }
    }
    assertTrue(catchAll != null, "the API host has a catch-all path");
    int unknown = containerPort(objects, catchAll.path("name").asText(), catchAll.path("port"));
    JsonNode errorsService =
        find(
            objects,
            "Service",
            ingress
                .path("metadata")
                .path("annotations")
                .path("nginx.ingress.kubernetes.io/default-backend")
                .asText());
    // ingress-nginx sends a default backend's requests to its Service's first port.
    int errors =
        containerPort(
            objects,
            errorsService.path("metadata").path("name").asText(),
            errorsService.path("spec").path("ports").path(0));
    assertFalse(unknown == errors, "unknown paths go to the error server's port " + errors);
    String conf = Files.readString(Stack.ROOT.resolve("deploy/k8s/base/30-ingress-errors.conf"));
    // The unknown paths' server reads nothing of the request (no variable at all): its answer is
    // the same whatever a client sends. The error server takes its code from X-Code.
    String server = IngressErrorPagesIT.server(conf, unknown);
    assertFalse(server.contains("$"), "the unknown-path server reads no variable: " + server);
    assertFalse(server.contains("healthz"), "and has no /healthz of its own: " + server);
    assertTrue(
        IngressErrorPagesIT.server(conf, errors).contains("$"), "the error server reads X-Code");
  }

  /**
   * The container port of the web pods that a Service port (by name or number) leads to: the
   * Service's targetPort, by name in the pods' ports or as a number.
   */
  private static int containerPort(List<JsonNode> objects, String service, JsonNode port) {
    JsonNode servicePort = null;
    for (JsonNode p : find(objects, "Service", service).path("spec").path("ports")) {
      if (port.has("name") && p.path("name").asText().equals(port.path("name").asText())
          || port.has("number") && p.path("port").asInt() == port.path("number").asInt()
          || port.has("port") && p.path("port").asInt() == port.path("port").asInt()) {
        servicePort = p;
      }
    }
    assertTrue(servicePort != null, service + " has the port " + port);
    JsonNode target = servicePort.path("targetPort");
    if (target.isInt()) {
      return target.asInt();
    }
    JsonNode web = find(objects, "Deployment", "web");
    for (JsonNode p :
        web.path("spec").path("template").path("spec").path("containers").path(0).path("ports")) {
      if (p.path("name").asText().equals(target.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port " + target + " in the web pods");
  }

  /**
   * The ConfigMaps and Secrets a pod spec refers to ({@code Kind/name}): in {@code envFrom}, in
   * {@code env[].valueFrom} and in volumes.
   */
  private static void collectReferences(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                  case "configMapRef", "configMapKeyRef" ->
                      out.add("ConfigMap/" + v.path("name").asText());
                  case "secretRef", "secretKeyRef" -> out.add("Secret/" + v.path("name").asText());
                  case "configMap" -> out.add("ConfigMap/" + v.path("name").asText());
                  case "secret" -> out.add("Secret/" + v.path("secretName").asText());
                  default -> collectReferences(v, out);
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> collectReferences(child, out));
    }
  }

  @Test
  void withTheExternalSecretsComponentEveryReferenceNamesTheSecretItself() throws Exception {
    // An overlay of an operator's own: the jvm overlay, its Secrets written by something else.
    List<JsonNode> objects = renderWith("k8s-external-secrets", "jvm", "external-secrets");
    assertTrue(
        objects.stream().noneMatch(o -> o.path("kind").asText().equals("Secret")),
        "no placeholder Secret is applied over the real ones");
    Set<String> named = new TreeSet<>();
    for (JsonNode o : objects) {
      collectSecretNames(o, named);
    }
    assertEquals(
        Set.of(
            "paystream-secrets",
            "payments-service-db",
            "refund-service-db",
            "webhook-service-db",
            "postgres-admin"),
        named,
        "every Secret reference, with no generated suffix");
  }

  /** Names in {@code secretKeyRef}, {@code secretRef} and KEDA's {@code secretTargetRef}s. */
  private static void collectSecretNames(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                if (Set.of("secretKeyRef", "secretRef").contains(e.getKey())) {
                  out.add(e.getValue().path("name").asText());
                } else if (e.getKey().equals("secretTargetRef")) {
                  e.getValue().forEach(ref -> out.add(ref.path("name").asText()));
                }
                collectSecretNames(e.getValue(), out);
              });
    } else if (node.isArray()) {
      node.forEach(child -> collectSecretNames(child, out));
    }
  }

  @Test
  void theRolesJobRefusesPlaceholderPasswords() throws Exception {
    JsonNode job = find(render("jvm"), "Job", "db-roles");
    String script =
        job.path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .path(0)
            .path("command")
            .path(2)
            .asText();
    String refused = runWith(script, "s3cret-payments", "change-me-refunds", "s3cret-webhooks");
    assertTrue(refused.startsWith("failed (1)"), refused);
    assertTrue(refused.contains("placeholder"), refused);
    String empty = runWith(script, "", "a", "b");
    assertTrue(empty.startsWith("failed (1)") && empty.contains("placeholder"), empty);
    // Real passwords pass the check and reach psql (not on this PATH: the shell's 127).
    String passed = runWith(script, "p4ss", "r4ss", "w4ss");
    assertTrue(passed.startsWith("failed (127)"), passed);
    assertFalse(passed.contains("placeholder"), passed);
  }

  /**
   * Runs the Job's script with these passwords and no psql on the PATH: its exit code and output
   * (it never succeeds here).
   */
  private static String runWith(String script, String payments, String refunds, String webhooks) {
    Map<String, String> env =
        Map.of(
            "PAYMENTS_PASSWORD", payments,
            "REFUNDS_PASSWORD", refunds,
            "WEBHOOKS_PASSWORD", webhooks,
            "PATH", "/nonexistent");
    AssertionError failed =
        assertThrows(
            AssertionError.class,
            () ->
                Commands.run(
                    Stack.ROOT, env, Duration.ofSeconds(30), List.of("/bin/sh", "-c", script)));
    return failure(failed);
  }

  /** What a failed command's error says after the command line: its exit code and output. */
  private static String failure(AssertionError e) {
    return e.getMessage().substring(e.getMessage().lastIndexOf(" failed (") + 1);
  }

  /**
   * The condition of the shared queue of due deliveries in webhook-service's claim ({@code h} in
   * {@code DeliveryRepository.CLAIM_SQL}), {@code $1} being the claim's "now".
   */
  static String claimedQueue() throws IOException {
    String source =
        Files.readString(
            Stack.ROOT.resolve(
                "webhook-service/src/main/java/io/paystream/webhooks/repository/"
                    + "DeliveryRepository.java"));
    Matcher m =
        Pattern.compile(
                "\" h AS \\(SELECT [^\"]*\"\\s*\\+\\s*Tables\\.DELIVERIES\\s*\\+\\s*\" WHERE ([^\"]+)\"")
            .matcher(source);
    assertTrue(m.find(), "the claim's shared queue in DeliveryRepository.CLAIM_SQL");
    return m.group(1);
  }

  /** A memory quantity in MiB ({@code 192Mi}, {@code 1Gi}). */
  private static long mebibytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
    assertTrue(m.matches(), "a memory quantity in Mi or Gi: " + quantity);
    return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
  }

  /** The share of its memory limit a service's JVM image gives the heap, in percent. */
  private static int javaMaxMemRatio(String service) throws IOException {
    Matcher m =
        Pattern.compile("(?m)^ENV JAVA_MAX_MEM_RATIO=(\\d+)$")
            .matcher(
                Files.readString(Stack.ROOT.resolve(service + "/src/main/docker/Dockerfile.jvm")));
    assertTrue(m.find(), service + "'s Dockerfile.jvm sets JAVA_MAX_MEM_RATIO");
    return Integer.parseInt(m.group(1));
  }
}
