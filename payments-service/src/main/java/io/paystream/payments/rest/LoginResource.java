package io.paystream.payments.rest;

import io.paystream.payments.service.LoginService;
import io.paystream.shared.json.Json;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.Cancellable;

/** {@code POST /api/v1/auth/login}: the dashboard's login with email and password. */
@Path("/api/v1/auth")
public class LoginResource {
  private final LoginService logins;

  public LoginResource(LoginService logins) {
    this.logins = logins;
  }

  /**
   * Runs to its verdict even when the client leaves ({@code @Cancellable(false)}): a guess counts
   * as a failed login whether or not anyone waits for its answer.
   */
  @POST
  @Path("/login")
  @Cancellable(false)
  public Uni<Response> login(byte[] body) {
    return Uni.createFrom()
        .deferred(() -> logins.login(Json.parseRequest(body)))
        .map(Responses::of);
  }
}
