package io.paystream.payments.rest;

import io.paystream.payments.service.HealthService;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** {@code GET /health}: 200 when the database, Redis and the payment worker are up, else 503. */
@Path("/health")
public class HealthResource {
  private final HealthService health;

  public HealthResource(HealthService health) {
    this.health = health;
  }

  @GET
  public Uni<Response> health() {
    return health
        .report()
        .map(
            r ->
                r.healthy()
                    ? Responses.ok(r.body())
                    // As every 503 of the API: when to look again.
                    : Responses.error(503, r.body()).header(HttpHeaders.RETRY_AFTER, 5).build());
  }
}
