package io.paystream.refunds.rest;

import io.paystream.refunds.service.RefundQueries;
import io.paystream.refunds.service.RefundService;
import io.paystream.shared.http.Page;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.json.Json;
import io.paystream.shared.web.MerchantAuth;
import io.paystream.shared.web.RequestIds;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.server.Cancellable;

/** {@code /api/v1/payments/{id}/refunds}: refunding a payment, and its refunds. */
@Path("/api/v1/payments/{id}/refunds")
public class PaymentRefundsResource {
  private final MerchantAuth auth;
  private final RefundService refunds;
  private final RefundQueries queries;

  public PaymentRefundsResource(MerchantAuth auth, RefundService refunds, RefundQueries queries) {
    this.auth = auth;
    this.refunds = refunds;
    this.queries = queries;
  }

  @POST
  @Cancellable(false)
  public Uni<Response> create(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id,
      byte[] body) {
    String path = "/api/v1/payments/" + id + "/refunds";
    return auth.caller(key, secret, requestId)
        .chain(c -> refunds.create(c, id, idempotencyKey, Json.parseRequest(body), path))
        .map(Responses::of);
  }

  @GET
  public Uni<Response> list(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId,
      @RestPath String id,
      UriInfo uri) {
    return auth.caller(key, secret, requestId)
        .chain(c -> queries.ofPayment(c, id, Page.of(uri)))
        .map(Responses::ok);
  }
}
