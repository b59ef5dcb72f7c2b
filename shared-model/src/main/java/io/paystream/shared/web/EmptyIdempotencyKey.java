package io.paystream.shared.web;

import io.paystream.shared.idempotency.IdempotencyKeys;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * An {@code Idempotency-Key} sent empty on a POST is refused (400) as any other key outside 1–255
 * printable characters is, where that is: after the route is matched and the caller authenticated.
 * The REST layer would hand an empty header to a resource as a missing one, and the request would
 * run without the protection its sender asked for; so the empty value is replaced, before the route
 * is matched, by {@link IdempotencyKeys#SENT_EMPTY}, a value no client can send, which the key's
 * own validation refuses in the words of any other bad key.
 */
public class EmptyIdempotencyKey {
  @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 1)
  public void mark(ContainerRequestContext request) {
    if ("POST".equals(request.getMethod())) {
      String key = request.getHeaderString(IdempotencyKeys.HEADER);
      if (key != null && key.isEmpty()) {
        request.getHeaders().putSingle(IdempotencyKeys.HEADER, IdempotencyKeys.SENT_EMPTY);
      }
    }
  }
}
