package io.paystream.payments.rest;

import io.paystream.payments.service.OrderService;
import io.paystream.shared.http.Page;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.json.Json;
import io.paystream.shared.web.MerchantAuth;
import io.paystream.shared.web.RequestIds;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.server.Cancellable;

/** {@code /api/v1/orders}: a merchant's orders. */
@Path("/api/v1/orders")
public class OrderResource {
  private final MerchantAuth auth;
  private final OrderService orders;

  public OrderResource(MerchantAuth auth, OrderService orders) {
    this.auth = auth;
    this.orders = orders;
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
        .chain(c -> orders.create(c, idempotencyKey, Json.parseObject(body), "/api/v1/orders"))
        .map(Responses::of);
  }

  @GET
  @Path("/{id}")
  public Uni<Response> get(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id) {
    return auth.caller(key, secret, requestId)
        .chain(c -> orders.get(c, id))
        .map(o -> Responses.ok(o.toBytes()));
  }

  @GET
  public Uni<Response> list(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      UriInfo uri) {
    return auth.caller(key, secret, requestId)
        .chain(c -> orders.list(c, Page.of(uri)))
        .map(Responses::ok);
  }

  /** For the checkout page: {@code {"id","amount","currency","status","merchant_name"}}. */
  @GET
  @Path("/{id}/public")
  public Uni<Response> getPublic(@RestPath String id) {
    return orders.getPublic(id).map(Responses::ok);
  }

  @OPTIONS
  @Path("/{id}/public")
  public Response getPublicPreflight() {
    return Responses.preflight("GET, OPTIONS");
  }
}
