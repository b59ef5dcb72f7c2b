package io.paystream.shared.web;

import io.quarkus.arc.Arc;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The methods a path answers, for the {@code Allow} header of a 405: read once from the service's
 * own resource classes ({@code @Path} and the method annotations of their declared methods, which
 * the native build registers for reflection) and matched against every template.
 */
final class AllowedMethods {
  private static final Pattern PARAM = Pattern.compile("\\{\\s*\\w[\\w.-]*\\s*(?::\\s*([^}]+))?}");

  private record Route(String template, Pattern pattern, Set<String> methods) {}

  private static volatile List<Route> routes;

  private AllowedMethods() {}

  /**
   * {@code "GET, POST"} for {@code path}, or {@code null} when no resource matches it: the methods
   * of every template it matches, since a request whose method the most literal template lacks is
   * routed to the next that has it ({@code GET /payments/public} reads a payment of that id).
   */
  static String of(String path) {
    Set<String> methods = new TreeSet<>();
    for (Route r : routes()) {
      if (r.pattern().matcher(path).matches()) {
        methods.addAll(r.methods());
      }
    }
    return methods.isEmpty() ? null : String.join(", ", methods);
  }

  private static List<Route> routes() {
    List<Route> r = routes;
    if (r == null) {
      try {
        r = read();
      } catch (LinkageError e) {
        // A native image without reflection data for the resources: a 405 without Allow.
        r = List.of();
      }
      routes = r;
    }
    return r;
  }

  private static List<Route> read() {
    Map<String, Set<String>> methodsByTemplate = new TreeMap<>();
    for (Bean<?> bean :
        Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
      Class<?> type = bean.getBeanClass();
      Path base = type.getAnnotation(Path.class);
      if (base != null) {
        for (Method m : type.getDeclaredMethods()) {
          String method = httpMethod(m);
          if (method != null) {
            Path sub = m.getAnnotation(Path.class);
            Set<String> methods =
                methodsByTemplate.computeIfAbsent(
                    join(base.value(), sub == null ? "" : sub.value()), t -> new TreeSet<>());
            methods.add(method);
            if (method.equals("GET")) {
              methods.add("HEAD");
            }
          }
        }
      }
    }
    List<Route> out = new ArrayList<>();
    methodsByTemplate.forEach((template, methods) -> out.add(route(template, methods)));
    return List.copyOf(out);
  }

  static String join(String base, String sub) {
    String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static Route route(String template, Set<String> methods) {
    StringBuilder regex = new StringBuilder();
    int at = 0;
    Matcher m = PARAM.matcher(template);
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(at, m.start())));
      regex.append('(').append(m.group(1) == null ? "[^/]+" : m.group(1).trim()).append(')');
      at = m.end();
    }
    regex.append(Pattern.quote(template.substring(at))).append("/?");
    return new Route(template, Pattern.compile(regex.toString()), methods);
  }

  private static String httpMethod(Method m) {
    for (Annotation a : m.getAnnotations()) {
      HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
      if (h != null) {
        return h.value();
      }
    }
    return null;
  }
}
