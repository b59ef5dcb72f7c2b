package io.paystream.shared.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.regex.Pattern;

/**
 * With {@code paystream.http.local-names-only} ({@code PAYSTREAM_HTTP_LOCAL_NAMES_ONLY}, set by the
 * local run while it listens on loopback only), a service answers only requests naming this machine
 * in their {@code Host}: {@code localhost} and its subdomains, a 127.x.x.x address, {@code [::1]},
 * or no name at all. Anything else is 421. A web page the developer visits could otherwise point a
 * name of its own at 127.0.0.1 (DNS rebinding) and call the service as a page of its origin: use
 * the seeded merchant's public credentials, and through webhooks to private addresses, which the
 * local run allows, reach into the private network and read the answers.
 */
@ApplicationScoped
public class LocalNames {
  private static final Pattern LOCAL =
      Pattern.compile(
          "(?i)(localhost|[a-z0-9.-]+\\.localhost|127(\\.\\d{1,3}){3}|\\[::1])\\.?(:\\d{1,5})?");

  private final boolean only;

  public LocalNames(CommonConfig config) {
    this.only = config.http().localNamesOnly();
  }

  void install(@Observes Router router) {
    if (only) {
      // After the request has its id (HttpFallbacks), before anything else reads it.
      router.route().order(HttpFallbacks.FIRST_AFTER_QUARKUS + 1).handler(LocalNames::check);
    }
  }

  /**
   * Whether {@code host} (a Host header, or {@code null}) names this machine, or nothing: {@code _}
   * is what the edge sends on for a request that named none (an HTTP/1.0 one; never a browser's).
   */
  public static boolean isLocal(String host) {
    return host == null || host.isEmpty() || "_".equals(host) || LOCAL.matcher(host).matches();
  }

  private static void check(RoutingContext ctx) {
    if (isLocal(ctx.request().getHeader("Host"))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Connection", "close");
    HttpFallbacks.end(ctx, 421);
  }
}
