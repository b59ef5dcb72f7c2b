package io.paystream.webhooks.rest;

import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.json.Json;
import io.paystream.shared.web.MerchantAuth;
import io.paystream.shared.web.RequestIds;
import io.paystream.shared.web.Responses;
import io.paystream.webhooks.service.SecretService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.server.Cancellable;

/** {@code /api/v1/webhook-secret}: the merchant's signing secret and its rotation. */
@Path("/api/v1/webhook-secret")
public class SecretResource {
  private final MerchantAuth auth;
  private final SecretService secrets;

  public SecretResource(MerchantAuth auth, SecretService secrets) {
    this.auth = auth;
    this.secrets = secrets;
  }

  @GET
  public Uni<Response> get(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(RequestIds.HEADER) String requestId) {
    return auth.caller(key, secret, requestId).chain(secrets::get).map(Responses::ok);
  }

  @POST
  @Cancellable(false)
  @Path("/rotate")
  public Uni<Response> rotate(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      byte[] body) {
    return auth.caller(key, secret, requestId)
        .invoke(c -> Json.refuseUnlessEmptyOrObject(body))
        .chain(
            c ->
                secrets.rotate(
                    c, IdempotencyKeys.validate(idempotencyKey), "/api/v1/webhook-secret/rotate"))
        .map(Responses::of);
  }
}
