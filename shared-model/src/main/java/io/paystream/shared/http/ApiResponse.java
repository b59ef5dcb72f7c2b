package io.paystream.shared.http;

/**
 * A successful API answer: its status and exact body bytes.
 *
 * @param replayed whether it is the stored answer of an earlier request with the same
 *     Idempotency-Key
 */
public record ApiResponse(int status, byte[] body, boolean replayed) {
  public static ApiResponse of(int status, byte[] body) {
    return new ApiResponse(status, body, false);
  }

  public static ApiResponse ok(byte[] body) {
    return new ApiResponse(200, body, false);
  }

  public static ApiResponse created(byte[] body) {
    return new ApiResponse(201, body, false);
  }
}
