package io.paystream.refunds.rest;

import io.paystream.refunds.service.HealthService;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code GET /health}: 200 when the database, Redis and this instance's loops are up, else 503. */
@Path("/health")
public class HealthResource {
  private final HealthService health;

  public HealthResource(HealthService health) {
    this.health = health;
  }

  @GET
  public Uni<Response> health() {
    return health.report().map(r -> Responses.json(r.healthy() ? 200 : 503, r.body()));
  }
}
