package io.paystream.payments.rest;

import io.paystream.payments.service.LoginService;
import io.paystream.shared.json.Json;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/v1/auth/login}: the dashboard's login with email and password. */
@Path("/api/v1/auth")
public class LoginResource {
  private final LoginService logins;

  public LoginResource(LoginService logins) {
    this.logins = logins;
  }

  @POST
  @Path("/login")
  public Uni<Response> login(byte[] body) {
    return Uni.createFrom()
        .deferred(() -> logins.login(Json.parseRequest(body)))
        .map(Responses::of);
  }
}
