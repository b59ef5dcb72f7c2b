package io.paystream.shared.web;

import io.paystream.shared.idempotency.IdempotencyKeys;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * An {@code Idempotency-Key} sent empty on a POST is refused (400), as any other key outside 1–255
 * printable characters is: the REST layer would hand an empty header to a resource as a missing
 * one, and the request would run without the protection its sender asked for. Runs after {@link
 * RequestIds}, so the refusal carries the request id.
 */
public class EmptyIdempotencyKey {
  @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 1)
  public void refuse(ContainerRequestContext request) {
    if ("POST".equals(request.getMethod())) {
      String key = request.getHeaderString(IdempotencyKeys.HEADER);
      if (key != null && key.isEmpty()) {
        IdempotencyKeys.validate(key); // refuses it in the words of any other bad key
      }
    }
  }
}
