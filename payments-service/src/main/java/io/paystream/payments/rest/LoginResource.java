package io.paystream.payments.rest;

import io.paystream.payments.service.MerchantService;
import io.paystream.shared.json.Json;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/v1/auth/login}: the dashboard's login with email and password. */
@Path("/api/v1/auth")
public class LoginResource {
  private final MerchantService merchants;

  public LoginResource(MerchantService merchants) {
    this.merchants = merchants;
  }

  @POST
  @Path("/login")
  public Uni<Response> login(byte[] body) {
    return Uni.createFrom()
        .deferred(() -> merchants.login(Json.parseRequest(body)))
        .map(Responses::of);
  }
}
