package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitoring component (deploy/k8s/components/monitoring), rendered into an operator's overlay:
 * its PodMonitor scrapes every service pod and names the job after the service, its alerts pass
 * promtool's checks and the unit tests of alerts.test.yaml, each alert has a runbook section in
 * docs/alerts.md, and its Grafana dashboard is found by Grafana's sidecar and queries what parses.
 */
class MonitoringRulesTest {
  private static final Path COMPONENT = Stack.ROOT.resolve("deploy/k8s/components/monitoring");
  private static final Path RUNBOOK = Stack.ROOT.resolve("docs/alerts.md");
  private static final Path WORK = Stack.ROOT.resolve("deploy/e2e/target/monitoring");
  private static final Pattern HEADING = Pattern.compile("(?m)^## (\\S+)\\s*$");

  private static List<JsonNode> objects;

  @BeforeAll
  static void renderAndTools() throws Exception {
    Manifests.assumeKubectl();
    objects = Manifests.renderWith("k8s-monitoring", "jvm", "monitoring");
    try {
      Manifests.run("promtool", "--version");
    } catch (java.io.IOException e) {
      Manifests.run(Stack.ROOT.resolve("deploy/local/ensure-tools.sh").toString(), "promtool");
    }
  }

  @Test
  void thePodMonitorScrapesEveryServicePodAsItsOwnJob() {
    JsonNode monitor = Manifests.find(objects, "PodMonitor", "paystream-services");
    JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
    String jobLabel = monitor.path("spec").path("jobLabel").asText();
    JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").path(0);
    assertEquals(1, monitor.path("spec").path("podMetricsEndpoints").size());

    Set<String> selected = new TreeSet<>();
    for (JsonNode o : objects) {
      if (!Set.of("Deployment", "Job").contains(o.path("kind").asText())) {
        continue;
      }
      JsonNode pod = o.path("spec").path("template");
      JsonNode labels = pod.path("metadata").path("labels");
      boolean matches = true;
      for (Map.Entry<String, JsonNode> e : selector.properties()) {
        matches &= e.getValue().asText().equals(labels.path(e.getKey()).asText(null));
      }
      if (!matches) {
        continue;
      }
      String name = o.path("metadata").path("name").asText();
      selected.add(name);
      assertEquals(name, labels.path(jobLabel).asText(), "the job label of " + name);
      JsonNode container = pod.path("spec").path("containers").path(0);
      List<String> ports = new ArrayList<>();
      container.path("ports").forEach(p -> ports.add(p.path("name").asText()));
      assertTrue(ports.contains(endpoint.path("port").asText()), name + " has the port " + ports);
      assertEquals(
          pod.path("metadata").path("annotations").path("prometheus.io/path").asText(),
          endpoint.path("path").asText(),
          "the metrics path of " + name);
    }
    assertEquals(new TreeSet<>(Stack.SERVICES), selected, "the pods it scrapes");
  }

  @Test
  void theAlertsPassPromtoolsCheckAndTheirUnitTests() throws Exception {
    ArrayNode groups = (ArrayNode) rule().path("spec").path("groups").deepCopy();
    assertPromtoolChecks(rulesFile("alerts.full.yaml", groups), rules().size());

    // The unit tests compare annotations too: they test when and with which labels, so the rules
    // go to them without (the annotations' templates were checked above).
    groups.forEach(g -> g.path("rules").forEach(r -> ((ObjectNode) r).remove("annotations")));
    rulesFile("alerts.rules.yaml", groups);
    Path tests = WORK.resolve("alerts.test.yaml");
    Files.copy(
        COMPONENT.resolve("alerts.test.yaml"),
        tests,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String tested = Manifests.run("promtool", "test", "rules", tests.toString());
    assertTrue(tested.contains("SUCCESS"), tested);
  }

  @Test
  void everyAlertIsUnitTestedFiringAndQuietPastItsFor() throws Exception {
    // How long each alert's condition must hold: a test that finds it quiet sooner proves
    // nothing about healthy series.
    Map<String, Duration> holds = new TreeMap<>();
    for (JsonNode r : rules()) {
      Duration d = duration(r.path("for").asText("0s"));
      holds.merge(r.path("alert").asText(), d, (a, b) -> a.compareTo(b) > 0 ? a : b);
    }
    JsonNode tests = Yaml.one(Files.readString(COMPONENT.resolve("alerts.test.yaml")));
    Set<String> fired = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode t : tests.path("tests")) {
      for (JsonNode a : t.path("alert_rule_test")) {
        String alert = a.path("alertname").asText();
        if (!a.path("exp_alerts").isEmpty()) {
          fired.add(alert);
        } else if (holds.containsKey(alert)
            && duration(a.path("eval_time").asText()).compareTo(holds.get(alert)) > 0) {
          quiet.add(alert);
        }
      }
    }
    assertEquals(holds.keySet(), fired, "alerts with a test that expects them to fire");
    assertEquals(
        holds.keySet(), quiet, "alerts with a test that finds them quiet after their `for`");
  }

  /** A Prometheus duration of one unit ({@code 90s}, {@code 15m}, {@code 1h}). */
  private static Duration duration(String text) {
    Matcher m = Pattern.compile("(\\d+)(s|m|h)").matcher(text);
    assertTrue(m.matches(), "a duration: " + text);
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  @Test
  void everyAlertSaysWhatHappenedAndHasItsRunbookSection() throws Exception {
    String runbook = Files.readString(RUNBOOK);
    Set<String> sections = new TreeSet<>();
    Matcher m = HEADING.matcher(runbook);
    while (m.find()) {
      sections.add(m.group(1));
    }
    for (JsonNode r : rules()) {
      String alert = r.path("alert").asText();
      assertTrue(
          Set.of("critical", "warning").contains(r.path("labels").path("severity").asText()),
          alert + " has a severity");
      JsonNode annotations = r.path("annotations");
      assertFalse(annotations.path("summary").asText().isBlank(), alert + " has a summary");
      assertFalse(annotations.path("description").asText().isBlank(), alert + " describes it");
      assertEquals(
          "docs/alerts.md#" + alert.toLowerCase(Locale.ROOT),
          annotations.path("runbook").asText(),
          alert + "'s runbook");
    }
    assertEquals(alertNames(), sections, "the sections of docs/alerts.md");
  }

  @Test
  void theGrafanaDashboardIsFoundByTheSidecarAndEveryQueryParses() throws Exception {
    JsonNode map = Manifests.find(objects, "ConfigMap", "paystream-grafana-dashboard");
    assertEquals("1", map.path("metadata").path("labels").path("grafana_dashboard").asText());
    JsonNode dashboard = Api.JSON.readTree(map.path("data").path("paystream.json").asText());
    assertEquals("paystream", dashboard.path("uid").asText());
    Set<String> variables = new TreeSet<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertEquals(Set.of("datasource", "namespace"), variables);

    // Grafana's grid is 24 columns wide; a panel beyond it, or on another, is moved on load.
    Set<List<Integer>> cells = new java.util.HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      JsonNode at = panel.path("gridPos");
      String title = panel.path("title").asText();
      assertTrue(at.path("x").asInt() + at.path("w").asInt() <= 24, title + " within the grid");
      for (int x = at.path("x").asInt(); x < at.path("x").asInt() + at.path("w").asInt(); x++) {
        for (int y = at.path("y").asInt(); y < at.path("y").asInt() + at.path("h").asInt(); y++) {
          assertTrue(cells.add(List.of(x, y)), title + " overlaps another panel");
        }
      }
    }

    // Each query as a recording rule, with Grafana's variables as Grafana fills them: promtool
    // parses every expression.
    ArrayNode recorded = Api.JSON.createArrayNode();
    for (JsonNode panel : dashboardQueries(dashboard)) {
      assertEquals(
          "${datasource}",
          panel.path("datasource").path("uid").asText(),
          panel.path("title").asText());
      for (JsonNode target : panel.path("targets")) {
        String expr =
            target
                .path("expr")
                .asText()
                .replace("$__rate_interval", "1m")
                .replace("$namespace", "paystream");
        recorded
            .addObject()
            .put(
                "record",
                "paystream:dashboard:panel_"
                    + panel.path("id").asInt()
                    + "_"
                    + target.path("refId").asText())
            .put("expr", expr);
      }
    }
    ObjectNode group = Api.JSON.createObjectNode().put("name", "dashboard");
    group.set("rules", recorded);
    assertPromtoolChecks(
        rulesFile("dashboard.rules.yaml", Api.JSON.createArrayNode().add(group)), recorded.size());
    assertTrue(recorded.size() >= 20, "every panel has its queries: " + recorded.size());
  }

  /** The dashboard's panels that query (rows only group them). */
  static List<JsonNode> dashboardQueries(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(
            p -> {
              if (!p.path("type").asText().equals("row")) {
                assertFalse(p.path("targets").isEmpty(), p.path("title").asText() + " queries");
                panels.add(p);
              }
            });
    return panels;
  }

  /** A Prometheus rules file of {@code groups} under deploy/e2e/target/monitoring. */
  private static Path rulesFile(String name, ArrayNode groups) throws Exception {
    Files.createDirectories(WORK);
    Path file = WORK.resolve(name);
    Files.writeString(file, Api.JSON.createObjectNode().set("groups", groups).toString());
    return file;
  }

  /** {@code promtool check rules} accepts {@code file}, finding {@code count} rules. */
  private static void assertPromtoolChecks(Path file, int count) throws Exception {
    String checked = Manifests.run("promtool", "check", "rules", file.toString());
    assertTrue(checked.contains("SUCCESS: " + count + " rules found"), checked);
  }

  private static JsonNode rule() {
    return Manifests.find(objects, "PrometheusRule", "paystream-alerts");
  }

  private static List<JsonNode> rules() {
    List<JsonNode> all = new ArrayList<>();
    rule().path("spec").path("groups").forEach(g -> g.path("rules").forEach(all::add));
    all.forEach(r -> assertTrue(r.has("alert"), "only alerts: " + r));
    return all;
  }

  private static Set<String> alertNames() {
    Set<String> names = new TreeSet<>();
    rules().forEach(r -> names.add(r.path("alert").asText()));
    return names;
  }
}
