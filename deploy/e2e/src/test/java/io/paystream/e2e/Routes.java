package io.paystream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a path goes, as the edge (nginx locations in api-routes.inc) and as the Ingress
 * (ingress-nginx regex paths) decide: the two tables must agree.
 */
final class Routes {
  /** Paths that exercise every rule. */
  static final List<String> SAMPLES =
      List.of(
          "/api/v1/payments/pay_1/refunds",
          "/api/v1/payments/pay_1/refunds/",
          "/api/v1/payments/pay_1",
          "/api/v1/payments/pay_1/capture",
          "/api/v1/payments/public",
          "/api/v1/payments/stats",
          "/api/v1/refunds",
          "/api/v1/refunds/rfnd_1",
          "/api/v1/refundsx",
          "/api/v1/webhook-endpoints",
          "/api/v1/webhook-endpoints/e1/test",
          "/api/v1/webhook-secret",
          "/api/v1/webhook-secret/rotate",
          "/api/v1/webhooks",
          "/api/v1/webhooks/w1/retry",
          "/api/v1/webhooksx",
          "/api/v1/orders",
          "/api/v1/orders/order_1/public",
          "/api/v1/test/jobs/status",
          "/api/v1/test/merchant",
          "/api/v1/auth/login",
          "/api/v1/merchants",
          "/health");

  /**
   * The rules' paths in other cases: the edge's nginx locations are case-sensitive, so none of
   * these is what it is in lower case (an unknown path, or the path of another rule).
   */
  static final List<String> OTHER_CASES =
      List.of(
          "/API/V1/PAYMENTS",
          "/Api/v1/payments/pay_1",
          "/api/v1/payments/pay_1/REFUNDS",
          "/API/v1/payments/pay_1/refunds",
          "/api/V1/refunds",
          "/API/V1/REFUNDS/rfnd_1",
          "/api/v1/Webhooks",
          "/API/V1/WEBHOOK-ENDPOINTS",
          "/HEALTH",
          "/Health");

  private Routes() {}

  /** One nginx location: how it matches, and the service it proxies to. */
  record Location(String kind, String path, String service) {}

  static List<Location> edge(Path apiRoutes) throws IOException {
    List<Location> out = new ArrayList<>();
    Matcher m =
        Pattern.compile(
                "location\\s+(~|=)?\\s*(\\S+)\\s*\\{[^}]*proxy_pass http://paystream_(\\w+);")
            .matcher(Files.readString(apiRoutes));
    while (m.find()) {
      out.add(
          new Location(
              m.group(1) == null ? "prefix" : m.group(1), m.group(2), service(m.group(3))));
    }
    return out;
  }

  /** nginx's choice: exact, else the longest prefix unless a regex (in order) matches. */
  static String edgeRoute(List<Location> locations, String path) {
    for (Location l : locations) {
      if (l.kind().equals("=") && l.path().equals(path)) {
        return l.service();
      }
    }
    for (Location l : locations) {
      if (l.kind().equals("~") && Pattern.compile(l.path()).matcher(path).find()) {
        return l.service();
      }
    }
    return locations.stream()
        .filter(l -> l.kind().equals("prefix") && path.startsWith(l.path()))
        .max(Comparator.comparingInt(l -> l.path().length()))
        .map(Location::service)
        .orElse("edge-404");
  }

  /**
   * ingress-nginx with use-regex: longest path first, each a case-insensitive regex prefix ({@code
   * ~* "^<path>"}; an inline {@code (?-i)} in the path turns case sensitivity back on, in PCRE as
   * in Java).
   */
  static String ingressRoute(List<Location> paths, String path) {
    return paths.stream()
        .sorted(Comparator.comparingInt((Location l) -> l.path().length()).reversed())
        .filter(l -> Pattern.compile("^" + l.path(), Pattern.CASE_INSENSITIVE).matcher(path).find())
        .findFirst()
        .map(Location::service)
        .orElse("none");
  }

  private static String service(String upstream) {
    return switch (upstream) {
      case "payments" -> "payments-service";
      case "refunds" -> "refund-service";
      case "webhooks" -> "webhook-service";
      default -> throw new IllegalArgumentException("unknown upstream " + upstream);
    };
  }
}
