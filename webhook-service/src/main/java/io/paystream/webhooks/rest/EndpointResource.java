package io.paystream.webhooks.rest;

import io.paystream.shared.http.Page;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.json.Json;
import io.paystream.shared.web.MerchantAuth;
import io.paystream.shared.web.RequestIds;
import io.paystream.shared.web.Responses;
import io.paystream.webhooks.service.DeliveryService;
import io.paystream.webhooks.service.EndpointService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.server.Cancellable;

/** {@code /api/v1/webhook-endpoints}: a merchant's endpoints, and test events to them. */
@Path("/api/v1/webhook-endpoints")
public class EndpointResource {
  private static final String BASE = "/api/v1/webhook-endpoints";

  private final MerchantAuth auth;
  private final EndpointService endpoints;
  private final DeliveryService deliveries;

  public EndpointResource(
      MerchantAuth auth, EndpointService endpoints, DeliveryService deliveries) {
    this.auth = auth;
    this.endpoints = endpoints;
    this.deliveries = deliveries;
  }

  @POST
  @Cancellable(false)
  public Uni<Response> create(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      byte[] body) {
    return auth.caller(key, secret, requestId)
        .chain(
            c ->
                endpoints.create(
                    c, IdempotencyKeys.validate(idempotencyKey), Json.parseRequest(body), BASE))
        .map(Responses::of);
  }

  @GET
  public Uni<Response> list(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      UriInfo uri) {
    return auth.caller(key, secret, requestId)
        .chain(c -> endpoints.list(c, Page.of(uri)))
        .map(Responses::ok);
  }

  @GET
  @Path("/{id}")
  public Uni<Response> get(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id) {
    return auth.caller(key, secret, requestId).chain(c -> endpoints.get(c, id)).map(Responses::ok);
  }

  @PATCH
  @Cancellable(false)
  @Path("/{id}")
  public Uni<Response> update(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id,
      byte[] body) {
    return auth.caller(key, secret, requestId)
        .chain(c -> endpoints.update(c, id, Json.parseRequest(body)))
        .map(Responses::ok);
  }

  @DELETE
  @Cancellable(false)
  @Path("/{id}")
  public Uni<Response> delete(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id) {
    return auth.caller(key, secret, requestId)
        .chain(c -> endpoints.delete(c, id))
        .map(done -> Response.noContent().build());
  }

  @POST
  @Cancellable(false)
  @Path("/{id}/test")
  public Uni<Response> test(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id,
      byte[] body) {
    String path = BASE + "/" + id + "/test";
    return auth.caller(key, secret, requestId)
        .invoke(c -> Json.refuseUnlessEmptyOrObject(body))
        .chain(c -> deliveries.sendTest(c, id, IdempotencyKeys.validate(idempotencyKey), path))
        .map(Responses::of);
  }
}
