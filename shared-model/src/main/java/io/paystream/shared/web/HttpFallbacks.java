package io.paystream.shared.web;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorBody;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Errors raised below the REST layer (an oversized body, a request Vert.x itself refuses) get the
 * same JSON error body as everything else.
 */
@ApplicationScoped
public class HttpFallbacks {
  /** The order after Quarkus's handlers of order {@link Integer#MIN_VALUE}. */
  static final int FIRST_AFTER_QUARKUS = Integer.MIN_VALUE + 1;

  private static final String NO_STORE = "no-store";

  void install(@Observes Router router) {
    // Right after Quarkus's own first handlers (the access log's among them, which would not see
    // a request answered before it ran), before anything reads a body.
    router.route().order(FIRST_AFTER_QUARKUS).handler(HttpFallbacks::settle);
    router.route().order(FIRST_AFTER_QUARKUS).handler(HttpFallbacks::refuseMalformedTarget);
    router.route().order(FIRST_AFTER_QUARKUS).handler(HttpFallbacks::refuseSemicolonQuery);
    router.route().order(FIRST_AFTER_QUARKUS).handler(HttpFallbacks::refuseOversized);
    router.route().order(Integer.MIN_VALUE).failureHandler(HttpFallbacks::fail);
    // What the router refuses before any route runs (a path it cannot decode, say).
    for (int status : new int[] {400, 404, 405, 413, 414, 431}) {
      router.errorHandler(status, ctx -> refuse(ctx, status));
    }
  }

  /**
   * Every request gets its id here, before anything can answer it: the one it came with when sane
   * ({@link RequestIds#isSane}), else a new one, set on the request for the REST layer and the
   * logs. Every answer, whoever writes it (a resource, a refusal below the REST layer, Quarkus's
   * own 500, the health and metrics endpoints), carries that id and {@code Cache-Control:
   * no-store}, unless it set its own; the access log logs the answer's id.
   */
  private static void settle(RoutingContext ctx) {
    String sent = ctx.request().getHeader(RequestIds.HEADER);
    String id = RequestIds.isSane(sent) ? sent : RequestIds.fresh();
    if (id != sent) {
      ctx.request().headers().set(RequestIds.HEADER, id);
    }
    ctx.addHeadersEndHandler(
        v -> {
          MultiMap headers = ctx.response().headers();
          if (!headers.contains(RequestIds.HEADER)) {
            headers.set(RequestIds.HEADER, id);
          }
          if (!headers.contains(HttpHeaders.CACHE_CONTROL)) {
            headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
          }
        });
    ctx.next();
  }

  /**
   * A request target {@code java.net.URI} refuses, which Quarkus's own check would answer with a
   * bare 400 ({@link ServiceMain} turns that check off), gets our 400. Nothing else has read it.
   */
  private static void refuseMalformedTarget(RoutingContext ctx) {
    try {
      new URI(ctx.request().uri());
    } catch (URISyntaxException e) {
      refuse(ctx, 400);
      return;
    }
    ctx.next();
  }

  /** The answer to a query string holding a {@code ;}. */
  static final String SEMICOLON_IN_QUERY =
      "Query parameters are separated by & alone: a ; in a value must be percent-encoded (%3B)";

  /**
   * A query string with a {@code ;} in it is refused. The HTTP server splits parameters on it as on
   * {@code &}, so {@code ?limit=5;offset=2} would be read as two parameters where the contract sees
   * one {@code limit} that is no number, and a filter could carry a parameter hidden in its value.
   */
  private static void refuseSemicolonQuery(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query != null && query.indexOf(';') >= 0) {
      // Its body, unread, is not left to be skipped on a connection kept open.
      ctx.response().putHeader("Connection", "close");
      end(ctx, 400, SEMICOLON_IN_QUERY);
      return;
    }
    ctx.next();
  }

  /** Our answer to a request refused as it stands; after a malformed one, nothing more is read. */
  private static void refuse(RoutingContext ctx, int status) {
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    if (status != 404 && status != 405) {
      ctx.response().putHeader("Connection", "close");
    }
    end(ctx, status);
  }

  /** Our words for an HTTP error status. */
  public static String describe(int status) {
    return switch (status) {
      case 413 -> ApiException.BODY_TOO_LARGE;
      case 414 -> "Request URI is too long";
      case 431 -> "Request headers are too large";
      case 404 -> "No such endpoint";
      case 405 -> "Method not allowed on this endpoint";
      case 421 -> "This server answers only to the names of this machine (localhost)";
      default -> "The request could not be understood";
    };
  }

  /**
   * Answers a body announced larger than the API's limit ({@link Json#MAX_BODY_BYTES}) before
   * anything reads it; one sent in chunks is refused once read, by {@link Json}. Quarkus' own limit
   * ({@code quarkus.http.limits.max-body-size}, 2 MB) is only a backstop.
   */
  private static void refuseOversized(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    if (length != null
        && length.length() < 19
        && length.chars().allMatch(Character::isDigit)
        && Long.parseLong(length) > Json.MAX_BODY_BYTES) {
      refuse(ctx, 413);
      return;
    }
    ctx.next();
  }

  private static void fail(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (ctx.response().headWritten() || status < 400 || status == 500 && ctx.failure() != null) {
      ctx.next();
      return;
    }
    end(ctx, status);
  }

  static void end(RoutingContext ctx, int status) {
    end(ctx, status, describe(status));
  }

  private static void end(RoutingContext ctx, int status, String description) {
    ErrorCode code = status == 404 ? ErrorCode.NOT_FOUND_ERROR : ErrorCode.BAD_REQUEST_ERROR;
    String path = ctx.request().path();
    if (path != null && RequestIds.isPublic(path)) {
      // The checkout page reads these refusals too (a body over the limit, say).
      ctx.response().putHeader("Access-Control-Allow-Origin", "*");
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(ErrorBody.bytes(code, description, null)));
  }
}
