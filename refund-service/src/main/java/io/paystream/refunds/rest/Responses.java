package io.paystream.refunds.rest;

import io.paystream.shared.error.ErrorBody;
import io.paystream.shared.error.ErrorCode;
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

  /** An error body, ready for more headers. */
  static Response.ResponseBuilder error(int status, byte[] body) {
    return Response.status(status).entity(body).type(MediaType.APPLICATION_JSON_TYPE);
  }

  static Response.ResponseBuilder error(int status, ErrorCode code, String description) {
    return error(status, ErrorBody.bytes(code, description, null));
  }
}
