package io.paystream.shared.error;

import io.paystream.shared.json.JsonWriter;

/**
 * The one error body of the API: {@code {"error":{"code":…,"description":…,"field":…}}}, with
 * {@code field} only when one field is at fault.
 */
public final class ErrorBody {
  private ErrorBody() {}

  /** The compact bytes of an error body. */
  public static byte[] bytes(ErrorCode code, String description, String field) {
    JsonWriter w = new JsonWriter().beginObject().name("error").beginObject();
    w.name("code").value(code.name()).name("description").value(description);
    if (field != null) {
      w.name("field").value(field);
    }
    return w.endObject().endObject().toBytes();
  }

  /** The opaque body for anything unexpected; the cause stays in the logs under the request id. */
  public static byte[] serverError(String requestId) {
    String description =
        requestId == null
            ? "Something went wrong on our side"
            : "Something went wrong on our side (request " + requestId + ")";
    return bytes(ErrorCode.SERVER_ERROR, description, null);
  }
}
