package io.paystream.payments.rest;

import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.idempotency.IdempotencyKeys;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON responses from bytes we serialized ourselves. */
final class Responses {
  private Responses() {}

  static Response json(int status, byte[] body) {
    return Response.status(status).entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
  }

  static Response ok(byte[] body) {
    return json(200, body);
  }

  /** An API answer, marked when it replays a stored one. */
  static Response of(ApiResponse r) {
    Response.ResponseBuilder b =
        Response.status(r.status()).entity(r.body()).type(MediaType.APPLICATION_JSON_TYPE);
    if (r.replayed()) {
      b.header(IdempotencyKeys.REPLAYED_HEADER, "true");
    }
    return b.build();
  }

  /** A CORS preflight answer for a public endpoint: any origin, no credentials. */
  static Response preflight(String methods) {
    return Response.noContent()
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", methods)
        .header("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key, X-Request-Id")
        .header("Access-Control-Max-Age", "600")
        .build();
  }
}
