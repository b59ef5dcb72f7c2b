package io.paystream.payments.rest;

import io.paystream.payments.service.CaptureService;
import io.paystream.payments.service.PaymentQueries;
import io.paystream.payments.service.PaymentService;
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
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.Cancellable;

/** {@code /api/v1/payments}: a merchant's payments. */
@Path("/api/v1/payments")
public class PaymentResource {
  private final MerchantAuth auth;
  private final PaymentService payments;
  private final CaptureService captures;
  private final PaymentQueries queries;

  public PaymentResource(
      MerchantAuth auth, PaymentService payments, CaptureService captures, PaymentQueries queries) {
    this.auth = auth;
    this.payments = payments;
    this.captures = captures;
    this.queries = queries;
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
        .chain(c -> payments.create(c, idempotencyKey, Json.parseRequest(body), "/api/v1/payments"))
        .map(Responses::of);
  }

  @GET
  @Path("/{id}")
  public Uni<Response> get(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id) {
    return auth.caller(key, secret, requestId).chain(c -> queries.get(c, id)).map(Responses::ok);
  }

  @GET
  public Uni<Response> list(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      UriInfo uri,
      @RestQuery String status) {
    return auth.caller(key, secret, requestId)
        .chain(c -> queries.list(c, Page.of(uri), status))
        .map(Responses::ok);
  }

  @GET
  @Path("/stats")
  public Uni<Response> stats(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId) {
    return auth.caller(key, secret, requestId).chain(queries::stats).map(Responses::ok);
  }

  @GET
  @Path("/stats/currencies")
  public Uni<Response> statsByCurrency(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId) {
    return auth.caller(key, secret, requestId).chain(queries::statsByCurrency).map(Responses::ok);
  }

  @POST
  @Cancellable(false)
  @Path("/{id}/capture")
  public Uni<Response> capture(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id,
      byte[] body) {
    String path = "/api/v1/payments/" + id + "/capture";
    return auth.caller(key, secret, requestId)
        .chain(c -> captures.capture(c, id, idempotencyKey, Json.parseRequest(body), path))
        .map(Responses::of);
  }

  // --- The checkout page's endpoints: no key, no secret, any origin; the order decides the
  // merchant, and nothing here reveals more than the shopper's own payment.

  @POST
  @Cancellable(false)
  @Path("/public")
  public Uni<Response> createPublic(
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      byte[] body) {
    return Uni.createFrom()
        .deferred(
            () ->
                payments.createPublic(
                    idempotencyKey, Json.parseRequest(body), "/api/v1/payments/public", requestId))
        .map(Responses::of);
  }

  @GET
  @Path("/{id}/public")
  public Uni<Response> getPublic(@RestPath String id) {
    return queries.getPublic(id).map(Responses::ok);
  }

  @OPTIONS
  @Path("/public")
  public Response createPublicPreflight() {
    return Responses.preflight("POST, OPTIONS");
  }

  @OPTIONS
  @Path("/{id}/public")
  public Response getPublicPreflight() {
    return Responses.preflight("GET, OPTIONS");
  }
}
