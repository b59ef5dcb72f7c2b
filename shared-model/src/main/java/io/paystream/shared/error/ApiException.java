package io.paystream.shared.error;

/**
 * A failure a client should see as the error body of the API: an error code, our own description,
 * and the field at fault when there is exactly one.
 *
 * <pre>{@code
 * throw ApiException.badRequest("amount must be at least 100", "amount");
 * }</pre>
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What {@link #bodyTooLarge} says. */
  public static final String BODY_TOO_LARGE = "Request body is larger than 1 MB";

  private final ErrorCode code;
  private final int status;
  private final String field;
  private final Integer retryAfterSeconds;

  public ApiException(ErrorCode code, String description) {
    this(code, code.status(), description, null, null);
  }

  public ApiException(ErrorCode code, String description, String field) {
    this(code, code.status(), description, field, null);
  }

  /** An error sent with a status other than its code's usual one (405, 413) or a Retry-After. */
  public ApiException(
      ErrorCode code, int status, String description, String field, Integer retryAfterSeconds) {
    super(description, null, false, false);
    this.code = code;
    this.status = status;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException badRequest(String description) {
    return new ApiException(ErrorCode.BAD_REQUEST_ERROR, description);
  }

  public static ApiException badRequest(String description, String field) {
    return new ApiException(ErrorCode.BAD_REQUEST_ERROR, description, field);
  }

  public static ApiException notFound(String description) {
    return new ApiException(ErrorCode.NOT_FOUND_ERROR, description);
  }

  public static ApiException unauthenticated() {
    return new ApiException(ErrorCode.AUTHENTICATION_ERROR, "Invalid API credentials");
  }

  /** Whether {@code failure} refused a caller's credentials (401). */
  public static boolean isUnauthenticated(Throwable failure) {
    return failure instanceof ApiException e && e.code == ErrorCode.AUTHENTICATION_ERROR;
  }

  /** 429 with {@code Retry-After: retryAfterSeconds}. */
  public static ApiException rateLimited(String description, int retryAfterSeconds) {
    return new ApiException(ErrorCode.RATE_LIMIT_ERROR, 429, description, null, retryAfterSeconds);
  }

  /** 413: a request body over the API's limit of 1 MB. */
  public static ApiException bodyTooLarge() {
    return new ApiException(ErrorCode.BAD_REQUEST_ERROR, 413, BODY_TOO_LARGE, null, null);
  }

  public static ApiException unavailable(String description) {
    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, 503, description, null, 5);
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return status;
  }

  public String description() {
    return getMessage();
  }

  /** The one field at fault, or {@code null}. */
  public String field() {
    return field;
  }

  /** Seconds for a {@code Retry-After} header, or {@code null}. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The JSON body of this error. */
  public byte[] body() {
    return ErrorBody.bytes(code, getMessage(), field);
  }
}
