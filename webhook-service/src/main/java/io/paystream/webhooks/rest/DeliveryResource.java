package io.paystream.webhooks.rest;

import io.paystream.shared.http.Page;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.json.Json;
import io.paystream.shared.web.MerchantAuth;
import io.paystream.shared.web.RequestIds;
import io.paystream.shared.web.Responses;
import io.paystream.webhooks.service.DeliveryService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.Cancellable;

/** {@code /api/v1/webhooks}: the delivery log and manual retries. */
@Path("/api/v1/webhooks")
public class DeliveryResource {
  private final MerchantAuth auth;
  private final DeliveryService deliveries;

  public DeliveryResource(MerchantAuth auth, DeliveryService deliveries) {
    this.auth = auth;
    this.deliveries = deliveries;
  }

  @GET
  public Uni<Response> list(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      UriInfo uri,
      @RestQuery String status,
      @RestQuery String event) {
    return auth.caller(key, secret, requestId)
        .chain(c -> deliveries.list(c, Page.of(uri), status, event))
        .map(Responses::ok);
  }

  @GET
  @Path("/{id}")
  public Uni<Response> get(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id) {
    return auth.caller(key, secret, requestId).chain(c -> deliveries.get(c, id)).map(Responses::ok);
  }

  @POST
  @Cancellable(false)
  @Path("/{id}/retry")
  public Uni<Response> retry(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id,
      byte[] body) {
    String path = "/api/v1/webhooks/" + id + "/retry";
    return auth.caller(key, secret, requestId)
        .invoke(c -> Json.refuseUnlessEmptyOrObject(body))
        .chain(c -> deliveries.retry(c, id, IdempotencyKeys.validate(idempotencyKey), path))
        .map(Responses::of);
  }
}
