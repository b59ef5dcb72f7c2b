package io.paystream.webhooks.rest;

import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.idempotency.IdempotencyKeys;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON responses from bytes we serialized ourselves. */
final class Responses {
  private Responses() {}

  static Response ok(byte[] body) {
    return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
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
}
