package io.paystream.payments.rest;

import io.paystream.payments.service.OnboardingService;
import io.paystream.payments.service.SecretRotationService;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.json.Json;
import io.paystream.shared.web.MerchantAuth;
import io.paystream.shared.web.RequestIds;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.server.Cancellable;

/** Merchant accounts: onboarding (admin) and API secret rotation. */
@Path("/api/v1/merchants")
public class MerchantResource {
  private final OnboardingService onboarding;
  private final SecretRotationService rotation;
  private final MerchantAuth auth;

  public MerchantResource(
      OnboardingService onboarding, SecretRotationService rotation, MerchantAuth auth) {
    this.onboarding = onboarding;
    this.rotation = rotation;
    this.auth = auth;
  }

  @POST
  @Cancellable(false)
  public Uni<Response> onboard(
      @RestHeader("X-Admin-Token") String adminToken,
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      byte[] body) {
    return Uni.createFrom()
        .deferred(
            () ->
                onboarding.onboard(
                    adminToken, idempotencyKey, body, "/api/v1/merchants", requestId))
        .map(Responses::of);
  }

  @POST
  @Cancellable(false)
  @Path("/me/rotate-secret")
  public Uni<Response> rotateSecret(
      @RestHeader(MerchantAuth.KEY) String key,
      @RestHeader(MerchantAuth.SECRET) String secret,
      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
      @RestHeader(RequestIds.HEADER) String requestId,
      byte[] body) {
    return auth.caller(key, secret, requestId)
        .invoke(c -> Json.refuseUnlessEmptyOrObject(body))
        .chain(
            c ->
                rotation.rotate(
                    c, key, secret, idempotencyKey, "/api/v1/merchants/me/rotate-secret"))
        .map(Responses::of);
  }
}
