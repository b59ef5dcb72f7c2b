package io.paystream.shared.idempotency;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Idempotency keys in a service's own {@code idempotency_keys} table, scoped by merchant.
 *
 * <p>A request with a key first {@link #claim claims} it: one statement that inserts the key as in
 * flight (committed at once, so a concurrent duplicate sees it and gets 409) or returns the stored
 * request. The business statement then stores the response in the same statement as the change
 * ({@link #completeSql}), so a crash can never leave a change without its stored answer. A request
 * that fails (4xx or otherwise) {@link #release releases} the key; a claim whose holder died is
 * taken over once its lock has expired. Keys are kept for 24 hours.
 *
 * <p>Table shape (each service's migration): {@code (merchant_id uuid, key text, fingerprint bytea,
 * response_status int, response_body bytea, locked_until timestamptz, created_at timestamptz,
 * expires_at timestamptz, PRIMARY KEY (merchant_id, key))}.
 */
public final class IdempotencyStore {
  private final Pool pool;
  private final String table;
  private final long ttlMillis;
  private final long lockMillis;
  private final String claimSql;
  private final String readSql;
  private final String releaseSql;
  private final String purgeSql;

  public IdempotencyStore(Pool pool, String table, long ttlMillis, long lockMillis) {
    this.pool = pool;
    this.table = table;
    this.ttlMillis = ttlMillis;
    this.lockMillis = lockMillis;
    this.claimSql =
        "WITH claimed AS (INSERT INTO "
            + table
            + " AS k (merchant_id, key, fingerprint, locked_until, created_at, expires_at)"
            + " VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', now(),"
            + " now() + $5 * interval '1 millisecond')"
            + " ON CONFLICT (merchant_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
            + " locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at,"
            + " expires_at = EXCLUDED.expires_at, response_status = NULL, response_body = NULL"
            + " WHERE k.expires_at <= now()"
            + " OR (k.response_status IS NULL AND k.locked_until <= now())"
            + " RETURNING 1)"
            + " SELECT true AS claimed, NULL::bytea AS fingerprint, NULL::int AS response_status,"
            + " NULL::bytea AS response_body FROM claimed"
            + " UNION ALL SELECT false, fingerprint, response_status, response_body FROM "
            + table
            + " WHERE merchant_id = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM claimed)";
    this.readSql =
        "SELECT false AS claimed, fingerprint, response_status, response_body FROM "
            + table
            + " WHERE merchant_id = $1 AND key = $2";
    this.releaseSql =
        "DELETE FROM " + table + " WHERE merchant_id = $1 AND key = $2 AND response_status IS NULL";
    this.purgeSql =
        "DELETE FROM "
            + table
            + " WHERE ctid IN (SELECT ctid FROM "
            + table
            + " WHERE expires_at < now() LIMIT 10000)";
  }

  /** Claims a key, or finds what it holds. A {@code null} key claims nothing. */
  public Uni<IdempotencyClaim> claim(UUID merchantId, String key, byte[] fingerprint) {
    if (key == null) {
      return Uni.createFrom().item(IdempotencyClaim.NONE);
    }
    Tuple args =
        Tuple.of(merchantId, key, Buffer.buffer(fingerprint), lockMillis).addLong(ttlMillis);
    return pool.preparedQuery(claimSql)
        .execute(args)
        .chain(
            rows ->
                rows.size() > 0
                    // A concurrent first request committed after our snapshot: read it again.
                    ? Uni.createFrom().item(rows)
                    : pool.preparedQuery(readSql).execute(Tuple.of(merchantId, key)))
        .map(rows -> outcome(rows, fingerprint));
  }

  private static IdempotencyClaim outcome(RowSet<Row> rows, byte[] fingerprint) {
    if (rows.size() == 0) {
      return IdempotencyClaim.IN_FLIGHT; // released between our two reads: treat as running
    }
    Row row = rows.iterator().next();
    if (row.getBoolean("claimed")) {
      return IdempotencyClaim.CLAIMED;
    }
    if (!MessageDigest.isEqual(row.getBuffer("fingerprint").getBytes(), fingerprint)) {
      return IdempotencyClaim.MISMATCH;
    }
    Integer status = row.getInteger("response_status");
    if (status == null) {
      return IdempotencyClaim.IN_FLIGHT;
    }
    return new IdempotencyClaim.Replay(status, row.getBuffer("response_body").getBytes());
  }

  /**
   * A data-modifying statement that stores the response with the change, for a CTE; with a {@code
   * guard} CTE name, only when that CTE returned a row.
   */
  public String completeSql(
      SqlParams p, UUID merchantId, String key, int status, byte[] body, String guard) {
    String sql =
        "UPDATE "
            + table
            + " SET response_status = "
            + p.add(status)
            + ", response_body = "
            + p.add(body)
            + ", locked_until = NULL WHERE merchant_id = "
            + p.add(merchantId)
            + " AND key = "
            + p.add(key);
    return guard == null ? sql : sql + " AND EXISTS (SELECT 1 FROM " + guard + ")";
  }

  /** Releases a claimed key after a failed request; the same request may then run again. */
  public Uni<Void> release(UUID merchantId, String key) {
    if (key == null) {
      return Uni.createFrom().voidItem();
    }
    return pool.preparedQuery(releaseSql)
        .execute(Tuple.of(merchantId, key))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Deletes expired keys, up to 10,000 per call; emits how many. */
  public Uni<Integer> purgeExpired() {
    return pool.query(purgeSql).execute().map(RowSet::rowCount);
  }

  /** The error a claim that may not proceed answers with, or {@code null} for a replay. */
  public static ApiException refusal(IdempotencyClaim claim) {
    if (claim instanceof IdempotencyClaim.Mismatch) {
      return new ApiException(
          ErrorCode.IDEMPOTENCY_KEY_MISMATCH,
          "Idempotency-Key was already used with a different request",
          IdempotencyKeys.HEADER);
    }
    if (claim instanceof IdempotencyClaim.InFlight) {
      return new ApiException(
          ErrorCode.CONFLICT_ERROR,
          "A request with this Idempotency-Key is still in progress",
          IdempotencyKeys.HEADER);
    }
    return null;
  }
}
