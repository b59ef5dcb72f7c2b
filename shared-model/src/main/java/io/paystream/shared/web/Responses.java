package io.paystream.shared.web;

import io.paystream.shared.error.ErrorBody;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.idempotency.IdempotencyKeys;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON responses from bytes we serialized ourselves. */
public final class Responses {
  private Responses() {}

  public static Response json(int status, byte[] body) {
    return error(status, body).build();
  }

  public static Response ok(byte[] body) {
    return json(200, body);
  }

  /** An API answer, marked when it replays a stored one. */
  public static Response of(ApiResponse r) {
    Response.ResponseBuilder b = error(r.status(), r.body());
    if (r.replayed()) {
      b.header(IdempotencyKeys.REPLAYED_HEADER, "true");
    }
    return b.build();
  }

  /** A JSON body with a status, ready for more headers. */
  public static Response.ResponseBuilder error(int status, byte[] body) {
    return Response.status(status).entity(body).type(MediaType.APPLICATION_JSON_TYPE);
  }

  public static Response.ResponseBuilder error(int status, ErrorCode code, String description) {
    return error(status, ErrorBody.bytes(code, description, null));
  }

  /** A CORS preflight answer for a public endpoint: any origin, no credentials. */
  public static Response preflight(String methods) {
    return Response.noContent()
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", methods)
        .header("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key, X-Request-Id")
        .header("Access-Control-Max-Age", "600")
        .build();
  }
}
