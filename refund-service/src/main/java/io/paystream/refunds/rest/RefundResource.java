package io.paystream.refunds.rest;

import io.paystream.refunds.service.RefundQueries;
import io.paystream.shared.http.Page;
import io.paystream.shared.web.MerchantAuth;
import io.paystream.shared.web.RequestIds;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;

/** {@code /api/v1/refunds}: a merchant's refunds. */
@Path("/api/v1/refunds")
public class RefundResource {
  private final MerchantAuth auth;
  private final RefundQueries queries;

  public RefundResource(MerchantAuth auth, RefundQueries queries) {
    this.auth = auth;
    this.queries = queries;
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
      UriInfo uri) {
    return auth.caller(key, secret, requestId)
        .chain(c -> queries.list(c, Page.of(uri)))
        .map(Responses::ok);
  }
}
