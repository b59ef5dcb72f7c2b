package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every series the alerts of deploy/k8s/components/monitoring read is one the running services
 * export, under the job the alert names and with the label values it matches: an alert on a metric
 * that was renamed, or on a label value that never occurs, would never fire.
 */
@ExtendWith(StackExtension.class)
class MetricsIT {
  /** A selector of our metrics in an expression: its name and its matchers, if any. */
  private static final Pattern SELECTOR =
      Pattern.compile("\\b((?:paystream|http_server)_[a-z0-9_]+)(?:\\{([^}]*)})?");

  private static final Pattern MATCHER =
      Pattern.compile("([a-z_]+)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})?\\s");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One exported series: its name and labels. */
  private record Series(String name, Map<String, String> labels) {}

  @Test
  void everySeriesTheAlertsReadIsExportedByTheServiceTheyName(Stack stack) throws Exception {
    // A request to each service, so that its HTTP server metrics exist as they do in production.
    Api merchant = Api.merchant(stack.edge());
    Api.expect(merchant.get("/api/v1/payments"), 200);
    Api.expect(merchant.get("/api/v1/refunds"), 200);
    Api.expect(merchant.get("/api/v1/webhook-endpoints"), 200);

    Map<String, List<Series>> exported = new HashMap<>();
    for (String service : Stack.SERVICES) {
      exported.put(service, scrape(Api.anonymous(stack.service(service))));
    }

    JsonNode rules =
        Yaml.one(
            Files.readString(Stack.ROOT.resolve("deploy/k8s/components/monitoring/alerts.yaml")));
    List<String> checked = new ArrayList<>();
    for (JsonNode group : rules.path("spec").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        Matcher m = SELECTOR.matcher(rule.path("expr").asText());
        while (m.find()) {
          String name = m.group(1);
          Map<String, String> equal = new HashMap<>();
          Set<String> named = new HashSet<>();
          String job = null;
          Matcher matchers = MATCHER.matcher(m.group(2) == null ? "" : m.group(2));
          while (matchers.find()) {
            if (matchers.group(1).equals("job")) {
              job = matchers.group(3);
            } else if (matchers.group(2).equals("=")) {
              equal.put(matchers.group(1), matchers.group(3));
            } else {
              named.add(matchers.group(1));
            }
          }
          List<String> jobs = job == null ? Stack.SERVICES : List.of(job);
          String where = rule.path("alert").asText() + ": " + m.group();
          assertTrue(Stack.SERVICES.containsAll(jobs), where + " names a job that is a service");
          boolean found = false;
          for (String j : jobs) {
            for (Series s : exported.get(j)) {
              if (s.name().equals(name)
                  && s.labels().keySet().containsAll(named)
                  && s.labels().entrySet().containsAll(equal.entrySet())) {
                found = true;
              }
            }
          }
          assertTrue(found, where + " is exported by " + jobs);
          checked.add(where);
        }
      }
    }
    assertFalse(checked.isEmpty(), "the alerts read our metrics");
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
