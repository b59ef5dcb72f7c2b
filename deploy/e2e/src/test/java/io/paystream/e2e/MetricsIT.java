package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every series the alerts and the Grafana dashboard of deploy/k8s/components/monitoring read is one
 * the running services export, under the job the query names and with the label values it matches:
 * an alert on a metric that was renamed, or on a label value that never occurs, would never fire,
 * and a panel would stay empty.
 */
@ExtendWith(StackExtension.class)
class MetricsIT {
  private static final Path COMPONENT = Stack.ROOT.resolve("deploy/k8s/components/monitoring");

  /** A selector of the services' metrics in an expression: its name and its matchers, if any. */
  private static final Pattern SELECTOR =
      Pattern.compile(
          "\\b((?:paystream|http_server|jvm|process|sql_pool)_[a-z0-9_]+)(?:\\{([^}]*)})?");

  private static final Pattern MATCHER =
      Pattern.compile("([a-z_]+)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})?\\s");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** A regular expression that is only alternatives of literal values ({@code a|b}). */
  private static final Pattern LITERALS = Pattern.compile("[A-Za-z0-9_/-]+(\\|[A-Za-z0-9_/-]+)*");

  /** Labels Prometheus adds to what it scrapes: not the services' to export. */
  private static final Set<String> ADDED = Set.of("job", "namespace", "pod");

  /** One exported series: its name and labels. */
  private record Series(String name, Map<String, String> labels) {}

  @Test
  void everySeriesTheAlertsAndTheDashboardReadIsExportedByTheServiceTheyName(Stack stack)
      throws Exception {
    // A request to each service, so that its HTTP server metrics exist as they do in production,
    // and payments by both ways in, which the dashboard counts by their answers.
    // A merchant of its own: its payments' events must not reach the test merchant's endpoints,
    // which other tests make and count.
    Api.Answer onboarded = stack.onboard();
    Api merchant =
        Api.merchant(stack.edge(), onboarded.text("api_key"), onboarded.text("api_secret"));
    merchant.payUpi(merchant.order(10_000), "success@bank");
    Api.expect(
        Api.anonymous(stack.edge())
            .post(
                "/api/v1/payments/public",
                "{\"order_id\":\""
                    + merchant.order(10_000)
                    + "\",\"method\":\"upi\",\"vpa\":\"success@bank\"}"),
        201);
    Api.expect(merchant.get("/api/v1/refunds"), 200);
    Api.expect(merchant.get("/api/v1/webhook-endpoints"), 200);

    Map<String, List<Series>> exported = new HashMap<>();
    for (String service : Stack.SERVICES) {
      exported.put(service, scrape(Api.anonymous(stack.service(service))));
    }

    int selectors = 0;
    for (Map.Entry<String, String> query : queries().entrySet()) {
      Matcher m = SELECTOR.matcher(query.getValue());
      while (m.find()) {
        String where = query.getKey() + ": " + m.group();
        String name = m.group(1);
        Map<String, String> equal = new HashMap<>();
        Set<String> named = new HashSet<>();
        List<Map.Entry<String, String>> alternatives = new ArrayList<>();
        List<String> jobs = Stack.SERVICES;
        Matcher matchers = MATCHER.matcher(m.group(2) == null ? "" : m.group(2));
        while (matchers.find()) {
          String label = matchers.group(1);
          if (label.equals("job")) {
            jobs = List.of(matchers.group(3));
          } else if (ADDED.contains(label)) {
            continue;
          } else if (matchers.group(2).equals("=")) {
            equal.put(label, matchers.group(3));
          } else if (matchers.group(2).equals("=~")
              && LITERALS.matcher(matchers.group(3)).matches()) {
            for (String value : matchers.group(3).split("\\|")) {
              alternatives.add(Map.entry(label, value));
            }
          } else {
            named.add(label);
          }
        }
        assertTrue(Stack.SERVICES.containsAll(jobs), where + " names a service as its job");
        boolean found = false;
        for (String job : jobs) {
          for (Series s : exported.get(job)) {
            found |=
                s.name().equals(name)
                    && s.labels().keySet().containsAll(named)
                    && s.labels().entrySet().containsAll(equal.entrySet());
          }
        }
        assertTrue(found, where + " is exported by " + jobs);
        for (Map.Entry<String, String> value : alternatives) {
          boolean occurs = false;
          for (String job : jobs) {
            for (Series s : exported.get(job)) {
              occurs |= s.name().equals(name) && s.labels().entrySet().contains(value);
            }
          }
          assertTrue(occurs, where + ": " + value + " occurs in what " + jobs + " export");
        }
        selectors++;
      }
    }
    assertTrue(selectors >= 40, "the queries read the services' metrics: " + selectors);
  }

  /** What the alerts and the dashboard's panels query, each under where it is. */
  private static Map<String, String> queries() throws Exception {
    Map<String, String> queries = new LinkedHashMap<>();
    JsonNode rules = Yaml.one(Files.readString(COMPONENT.resolve("alerts.yaml")));
    for (JsonNode group : rules.path("spec").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        queries.put(
            "alert " + rule.path("alert").asText() + " #" + queries.size(),
            rule.path("expr").asText());
      }
    }
    JsonNode dashboard = Api.JSON.readTree(COMPONENT.resolve("dashboard.json").toFile());
    for (JsonNode panel : MonitoringRulesTest.dashboardQueries(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        queries.put(
            "panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    return queries;
  }

  private static List<Series> scrape(Api service) throws Exception {
    Api.Answer metrics = service.get("/q/metrics");
    assertEquals(200, metrics.status(), metrics.raw());
    List<Series> series = new ArrayList<>();
    for (String line : metrics.raw().split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      series.add(new Series(m.group(1), labels));
    }
    return series;
  }
}
