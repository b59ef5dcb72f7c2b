package io.paystream.shared.error;

/** The stable error codes clients rely on, each with the HTTP status it is sent with. */
public enum ErrorCode {
  AUTHENTICATION_ERROR(401),
  BAD_REQUEST_ERROR(400),
  INVALID_VPA(400),
  INVALID_CARD(400),
  EXPIRED_CARD(400),
  NOT_FOUND_ERROR(404),
  IDEMPOTENCY_KEY_MISMATCH(422),
  CONFLICT_ERROR(409),
  RATE_LIMIT_ERROR(429),
  SERVICE_UNAVAILABLE(503),
  /** Anything unexpected: the description is opaque and the cause is only in our logs. */
  SERVER_ERROR(500);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP status this code is normally sent with. */
  public int status() {
    return status;
  }
}
