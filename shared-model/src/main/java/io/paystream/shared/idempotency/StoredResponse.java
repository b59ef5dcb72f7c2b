package io.paystream.shared.idempotency;

import io.paystream.shared.sql.SqlParams;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The response an idempotency key will replay, to be stored by the same statement that makes the
 * change. With a {@code fingerprint}, the key is not claimed yet: the statement claims it itself,
 * making the change only if it does ({@link IdempotencyStore#insertAllSql}); without, the key was
 * claimed before, with {@code lease}, and the statement completes it ({@link
 * IdempotencyStore#completeSql}), failing whole if another request has taken the key over since.
 */
public record StoredResponse(
    IdempotencyStore store,
    UUID merchantId,
    String key,
    int status,
    byte[] body,
    byte[] fingerprint,
    OffsetDateTime lease) {

  /** Whether the statement storing this response claims its key too. */
  public boolean claimsKey() {
    return fingerprint != null;
  }

  /**
   * The statement for a CTE, run only when {@code guard} returned a row; for a key claimed before.
   */
  public String sql(SqlParams p, String guard) {
    if (claimsKey()) {
      throw new IllegalStateException("a response that claims its key is stored by insertAllSql");
    }
    return store.completeSql(p, merchantId, key, status, body, guard, lease);
  }

  /** Appends {@code , ik AS (…)} to a CTE list when there is a response to store. */
  public static String cte(StoredResponse response, SqlParams p, String guard) {
    return response == null ? "" : ", ik AS (" + response.sql(p, guard) + ")";
  }
}
