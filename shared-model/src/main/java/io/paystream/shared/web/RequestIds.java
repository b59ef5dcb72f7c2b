package io.paystream.shared.web;

import io.paystream.shared.id.Ids;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every request has an id: the edge's {@code X-Request-Id} when it sent a sane one, else a new one.
 * It goes into the logs (MDC), into the events and deliveries the request causes, and back in the
 * response. Public endpoints (paths ending in {@code /public}, for the checkout page) also answer
 * any origin, without credentials, and are the only ones to answer OPTIONS (the browser's CORS
 * preflight). The id itself is settled, and put on every answer, by {@link HttpFallbacks}.
 */
public class RequestIds {
  public static final String HEADER = "X-Request-Id";
  public static final String MDC_KEY = "request_id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Puts the id {@link HttpFallbacks} settled (always a sane one by now) into the logs. */
  @ServerRequestFilter(preMatching = true)
  public void assign(ContainerRequestContext request) {
    MDC.put(MDC_KEY, request.getHeaderString(HEADER));
  }

  /**
   * Whether {@code id}, as a client or the edge sent it, is kept: 1–128 of {@code [A-Za-z0-9._:-]}.
   */
  static boolean isSane(String id) {
    return id != null && SANE.matcher(id).matches();
  }

  /** A new request id. */
  static String fresh() {
    return "req_" + Ids.random(16);
  }

  /**
   * OPTIONS elsewhere than on a public endpoint is a wrong method like any other: 405 with the
   * methods the path answers, or 404 for no such path. (A resource class without an OPTIONS method
   * of its own would otherwise answer it with an empty 200 of the framework's.)
   */
  @ServerRequestFilter(preMatching = true)
  public void refuseOptions(ContainerRequestContext request) {
    if (!HttpMethod.OPTIONS.equals(request.getMethod())) {
      return;
    }
    String path = request.getUriInfo().getPath();
    if (isPublic(path)) {
      return;
    }
    String allow = AllowedMethods.of(path.startsWith("/") ? path : "/" + path);
    if (allow == null) {
      throw new NotFoundException();
    }
    throw new NotAllowedException(allow);
  }

  @ServerResponseFilter
  public void answerAnyOrigin(ContainerRequestContext request, ContainerResponseContext response) {
    if (isPublic(request.getUriInfo().getPath())) {
      response.getHeaders().putSingle("Access-Control-Allow-Origin", "*");
    }
  }

  /** The checkout page's endpoints, which take no credentials and answer any origin. */
  static boolean isPublic(String path) {
    return path.startsWith("/api/v1/") && (path.endsWith("/public") || path.endsWith("/public/"));
  }
}
