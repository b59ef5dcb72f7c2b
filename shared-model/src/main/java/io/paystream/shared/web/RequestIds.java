package io.paystream.shared.web;

import io.paystream.shared.id.Ids;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every request has an id: the edge's {@code X-Request-Id} when it sent a sane one, else a new one.
 * It goes into the logs (MDC), into the events and deliveries the request causes, and back in the
 * response. Public endpoints (paths ending in {@code /public}, for the checkout page) also answer
 * any origin, without credentials. No answer is stored by a browser or a proxy ({@code
 * Cache-Control: no-store}): answers change from one moment to the next, and some carry secrets
 * (login, onboarding, rotations, the webhook secret).
 */
public class RequestIds {
  public static final String HEADER = "X-Request-Id";
  public static final String MDC_KEY = "request_id";
  private static final List<Object> NO_STORE = List.of("no-store");

  @ServerRequestFilter(preMatching = true)
  public void assign(ContainerRequestContext request) {
    String id = request.getHeaderString(HEADER);
    if (!isSane(id)) {
      id = fresh();
      request.getHeaders().putSingle(HEADER, id);
    }
    MDC.put(MDC_KEY, id);
  }

  /**
   * Whether {@code id}, as a client or the edge sent it, is kept: 1–128 of {@code [A-Za-z0-9._:-]}.
   */
  static boolean isSane(String id) {
    return id != null && id.matches("[A-Za-z0-9._:-]{1,128}");
  }

  /** A new request id. */
  static String fresh() {
    return "req_" + Ids.random(16);
  }

  @ServerResponseFilter
  public void echo(ContainerRequestContext request, ContainerResponseContext response) {
    response.getHeaders().putSingle(HEADER, request.getHeaderString(HEADER));
    response.getHeaders().putIfAbsent(HttpHeaders.CACHE_CONTROL, NO_STORE);
    if (isPublic(request.getUriInfo().getPath())) {
      response.getHeaders().putSingle("Access-Control-Allow-Origin", "*");
    }
  }

  /** The checkout page's endpoints, which take no credentials and answer any origin. */
  static boolean isPublic(String path) {
    return path.startsWith("/api/v1/") && (path.endsWith("/public") || path.endsWith("/public/"));
  }
}
