package io.paystream.shared.idempotency;

import io.paystream.shared.sql.SqlParams;
import java.util.UUID;

/**
 * The response a claimed idempotency key will replay, to be stored by the same statement that makes
 * the change.
 */
public record StoredResponse(
    IdempotencyStore store, UUID merchantId, String key, int status, byte[] body) {

  /** The statement for a CTE, run only when {@code guard} returned a row. */
  public String sql(SqlParams p, String guard) {
    return store.completeSql(p, merchantId, key, status, body, guard);
  }

  /** Appends {@code , ik AS (…)} to a CTE list when there is a response to store. */
  public static String cte(StoredResponse response, SqlParams p, String guard) {
    return response == null ? "" : ", ik AS (" + response.sql(p, guard) + ")";
  }
}
