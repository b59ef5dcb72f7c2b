package io.paystream.shared.web;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorBody;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.stream.Failures;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * Renders every failure as the error body of the API. Our own {@link ApiException}s carry their
 * code and words; a dependency that is down becomes 503 with {@code Retry-After}; anything else is
 * logged under the request id and answered with an opaque 500 that names only that id.
 */
public class ErrorMapper {
  private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

  /** One warning per 10 s while a dependency is down, however many requests meet it. */
  private static final ReportThrottle UNAVAILABLE = new ReportThrottle(10_000);

  /** The failure Quarkus' reading of a body raises past {@code max-body-size}. */
  private static boolean isBodyBeyondBackstop(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException && "Request too large".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  @ServerExceptionMapper
  public Response api(ApiException e) {
    Response.ResponseBuilder b = Responses.error(e.status(), e.body());
    if (e.retryAfterSeconds() != null) {
      b.header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
    }
    return b.build();
  }

  @ServerExceptionMapper
  public Response notFound(NotFoundException e) {
    return Responses.error(404, ErrorCode.NOT_FOUND_ERROR, "No such endpoint").build();
  }

  @ServerExceptionMapper
  public Response notAllowed(NotAllowedException e, UriInfo uri) {
    Response.ResponseBuilder b =
        Responses.error(405, ErrorCode.BAD_REQUEST_ERROR, "Method not allowed on this endpoint");
    String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
    if (allow == null) {
      String path = uri.getPath();
      allow = AllowedMethods.of(path.startsWith("/") ? path : "/" + path);
    }
    if (allow != null) {
      b.header(HttpHeaders.ALLOW, allow);
    }
    return b.build();
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (status >= 400 && status < 500) {
      return Responses.error(status, ErrorCode.BAD_REQUEST_ERROR, HttpFallbacks.describe(status))
          .build();
    }
    return unexpected(e);
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e, ServerRequestContext request) {
    if (request != null && request.serverResponse().closed()) {
      // The client went away first (a timeout of its own, say), and the request's work was
      // cancelled
      // with it: no one reads this answer, and nothing failed on our side.
      LOG.debugf(
          "request %s ended by its client before the answer: %s",
          MDC.get(RequestIds.MDC_KEY), String.valueOf(e));
      return Responses.error(500, ErrorBody.serverError(null)).build();
    }
    return unexpected(e);
  }

  private Response unexpected(Throwable e) {
    if (isBodyBeyondBackstop(e)) {
      // A body sent in chunks past Quarkus' own limit: Quarkus has answered 413 and closed the
      // connection. The client's doing, not a dependency's.
      LOG.debugf("request body beyond the backstop limit: %s", e.getMessage());
      return api(ApiException.bodyTooLarge());
    }
    if (Failures.isTransient(e)) {
      long held = UNAVAILABLE.report();
      if (held >= 0) {
        LOG.warnf(
            "dependency unavailable: %s (%d more requests answered 503 since the last report)",
            e.getMessage(), held);
      } else {
        LOG.debugf("dependency unavailable: %s", e.getMessage());
      }
      return api(ApiException.unavailable("A dependency is unavailable; retry shortly"));
    }
    Object requestId = MDC.get(RequestIds.MDC_KEY);
    LOG.errorf(e, "unexpected failure in request %s", requestId);
    return Responses.error(
            500, ErrorBody.serverError(requestId == null ? null : requestId.toString()))
        .build();
  }
}
