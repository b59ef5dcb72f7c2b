package io.paystream.shared.idempotency;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.sql.AsyncCommit;
import io.paystream.shared.sql.Batcher;
import io.paystream.shared.sql.Purge;
import io.paystream.shared.sql.SqlParams;
import io.paystream.shared.stream.Failures;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Idempotency keys in a service's own {@code idempotency_keys} table, scoped by merchant.
 *
 * <p>A request with a key first {@link #claim claims} it: one statement that inserts the key as in
 * flight (committed at once, so a concurrent duplicate sees it and gets 409) or returns the stored
 * request. The business statement then stores the response in the same statement as the change
 * ({@link #completeSql}), so a crash can never leave a change without its stored answer. A request
 * that fails (4xx or otherwise) {@link #release releases} the key; a claim whose holder died is
 * taken over once its lock has expired. Should that holder only have stalled, a statement of its
 * completing the key with {@link #completeSql} then fails whole, and its release leaves the key
 * alone: each claim is known by its lease's end. A statement for many requests, which cannot fail
 * for one of them, instead leaves out the changes of those whose claims are gone ({@link
 * #stillClaimedSql}) and completes the others ({@link #completeAllSql}). Keys are kept for 24
 * hours. Claims that arrive together share one statement ({@link Batcher}).
 *
 * <p>Table shape (each service's migration): {@code (merchant_id uuid, key text, fingerprint bytea,
 * response_status int, response_body bytea, locked_until timestamptz, created_at timestamptz,
 * expires_at timestamptz, PRIMARY KEY (merchant_id, key))}.
 *
 * <p>A statement may also claim keys itself, storing their responses with its change ({@link
 * #insertAllSql}); it reads, for each of its keys, what an earlier request left there ({@link
 * #keyJoin}, answered with {@link Held}), and leaves to a claim any key it finds but that is not
 * held (expired, released after a failure, or its holder died).
 */
public final class IdempotencyStore {
  static final int MAX_BATCH = 128;
  static final int MAX_CONCURRENT = 1;

  /**
   * The function in each service's schema that fails a statement completing a key whose claim it no
   * longer holds, with SQLSTATE {@value #TAKEN_OVER_STATE}: {@code CREATE FUNCTION
   * idempotency_key_taken_over() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '…' USING
   * ERRCODE = 'PSK01'; END $$}.
   */
  public static final String TAKEN_OVER_FUNCTION = "idempotency_key_taken_over";

  /** The SQLSTATE of {@link #TAKEN_OVER_FUNCTION}. */
  public static final String TAKEN_OVER_STATE = "PSK01";

  private final Pool pool;
  private final String table;
  private final long ttlMillis;
  private final long lockMillis;
  private final String claimSql;
  private final String readSql;

  /** How long a failed request's answer waits at most for its key's {@link #release}. */
  static final Duration RELEASE_WAIT = Duration.ofSeconds(1);

  private final String releaseSql;
  private final String takenOverSql;
  private final String purgeSql;
  private final Batcher<ClaimRequest, IdempotencyClaim> claims;

  public IdempotencyStore(Pool pool, String table, long ttlMillis, long lockMillis) {
    this.pool = pool;
    this.table = table;
    this.ttlMillis = ttlMillis;
    this.lockMillis = lockMillis;
    // One row per distinct key of a batch: claimed now, or what the key holds while an earlier
    // request holds it. A key whose first request committed after this statement's snapshot
    // shows neither (its version in the snapshot may be a released or expired one); it is read
    // again. Keys are claimed in one order, the order in which the accepting statement locks and
    // inserts them, so that the two seldom wait for each other (a batch mixing keys claimed before
    // with new ones still can; PostgreSQL breaks such a deadlock and the batch runs again).
    // A claim commits without waiting for the WAL flush: one lost to a database crash leaves the
    // key free for the retry of a request that never got its answer, and the request's own
    // statement, committed normally, flushes the claim with it.
    this.claimSql =
        "WITH "
            + AsyncCommit.CTE
            + ", r AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])"
            + " AS r (merchant_id, key, fingerprint)),"
            + " claimed AS (INSERT INTO "
            + table
            + " AS k (merchant_id, key, fingerprint, locked_until, created_at, expires_at)"
            + " SELECT merchant_id, key, fingerprint, now() + $4 * interval '1 millisecond', now(),"
            + " now() + $5 * interval '1 millisecond' FROM r ORDER BY merchant_id, key"
            + " ON CONFLICT (merchant_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
            + " locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at,"
            + " expires_at = EXCLUDED.expires_at, response_status = NULL, response_body = NULL"
            + " WHERE k.expires_at <= now()"
            + " OR (k.response_status IS NULL AND k.locked_until <= now())"
            + " RETURNING k.merchant_id, k.key, k.locked_until)"
            + " SELECT r.merchant_id, r.key, c.key IS NOT NULL AS claimed, c.locked_until AS lease,"
            + " k.fingerprint, k.response_status, k.response_body FROM "
            + AsyncCommit.NAME
            + ", r"
            + " LEFT JOIN claimed c ON c.merchant_id = r.merchant_id AND c.key = r.key"
            + " LEFT JOIN "
            + table
            + " k ON c.key IS NULL AND k.merchant_id = r.merchant_id AND k.key = r.key AND "
            + heldSql("k");
    this.readSql =
        "SELECT k.merchant_id, k.key, false AS claimed, NULL::timestamptz AS lease, k.fingerprint,"
            + " k.response_status, k.response_body FROM "
            + table
            + " k JOIN unnest($1::uuid[], $2::text[]) AS r (merchant_id, key)"
            + " ON k.merchant_id = r.merchant_id AND k.key = r.key WHERE "
            + heldSql("k");
    // A released key keeps its row, its lease ended for good, rather than going: a request that
    // claimed it earlier and stalled then still finds another lease on it, and changes nothing.
    this.releaseSql =
        "UPDATE "
            + table
            + " SET locked_until = '-infinity' WHERE merchant_id = $1 AND key = $2"
            + " AND response_status IS NULL AND locked_until = $3";
    this.takenOverSql = table.substring(0, table.indexOf('.') + 1) + TAKEN_OVER_FUNCTION + "()";
    this.claims = new Batcher<>(MAX_BATCH, MAX_CONCURRENT, this::claimAll);
    this.purgeSql =
        "DELETE FROM "
            + table
            + " WHERE ctid IN (SELECT ctid FROM "
            + table
            + " WHERE expires_at < now() LIMIT "
            + Purge.BATCH
            + ")";
  }

  /** Claims a key, or finds what it holds. A {@code null} key claims nothing. */
  public Uni<IdempotencyClaim> claim(UUID merchantId, String key, byte[] fingerprint) {
    if (key == null) {
      return Uni.createFrom().item(IdempotencyClaim.NONE);
    }
    return claims.submit(new ClaimRequest(new KeyId(merchantId, key), fingerprint));
  }

  private record KeyId(UUID merchantId, String key) {}

  private record ClaimRequest(KeyId id, byte[] fingerprint) {}

  /** A key's state after a batch: claimed by one of its requests, or as stored. */
  private record KeyState(
      boolean claimed, OffsetDateTime lease, byte[] fingerprint, Integer status, byte[] body) {}

  /**
   * Claims the distinct keys of a batch in one statement. Requests for the same key are answered as
   * if they came one after another: the first claims it (or finds what it holds), the others see
   * what the first left.
   */
  private Uni<List<IdempotencyClaim>> claimAll(List<ClaimRequest> batch) {
    Map<KeyId, byte[]> first = new LinkedHashMap<>();
    for (ClaimRequest r : batch) {
      first.putIfAbsent(r.id(), r.fingerprint());
    }
    int n = first.size();
    UUID[] merchants = new UUID[n];
    String[] keys = new String[n];
    Buffer[] fingerprints = new Buffer[n];
    int i = 0;
    for (Map.Entry<KeyId, byte[]> e : first.entrySet()) {
      merchants[i] = e.getKey().merchantId();
      keys[i] = e.getKey().key();
      fingerprints[i++] = Buffer.buffer(e.getValue());
    }
    return pool.preparedQuery(claimSql)
        .execute(Tuple.of(merchants, keys, fingerprints, lockMillis).addLong(ttlMillis))
        .chain(
            rows -> {
              Map<KeyId, KeyState> states = new HashMap<>();
              collect(rows, states, first);
              if (states.size() == n) {
                return Uni.createFrom().item(states);
              }
              // A concurrent first request committed after our snapshot: read those keys again.
              List<KeyId> unseen = new ArrayList<>();
              first
                  .keySet()
                  .forEach(
                      k -> {
                        if (!states.containsKey(k)) {
                          unseen.add(k);
                        }
                      });
              return pool.preparedQuery(readSql)
                  .execute(
                      Tuple.of(
                          unseen.stream().map(KeyId::merchantId).toArray(UUID[]::new),
                          unseen.stream().map(KeyId::key).toArray(String[]::new)))
                  .map(
                      again -> {
                        collect(again, states, first);
                        return states;
                      });
            })
        .map(
            states -> {
              List<IdempotencyClaim> out = new ArrayList<>(batch.size());
              Set<KeyId> claimedBy = new HashSet<>();
              for (ClaimRequest r : batch) {
                KeyState state = states.get(r.id());
                if (state != null && state.claimed() && claimedBy.add(r.id())) {
                  out.add(new IdempotencyClaim.Claimed(state.lease()));
                } else {
                  out.add(outcome(state, r.fingerprint()));
                }
              }
              return out;
            });
  }

  private static void collect(
      RowSet<Row> rows, Map<KeyId, KeyState> states, Map<KeyId, byte[]> first) {
    for (Row row : rows) {
      KeyId id = new KeyId(row.getUUID("merchant_id"), row.getString("key"));
      boolean claimed = row.getBoolean("claimed");
      if (claimed) {
        states.put(
            id, new KeyState(true, row.getOffsetDateTime("lease"), first.get(id), null, null));
      } else if (row.getBuffer("fingerprint") != null) {
        var body = row.getBuffer("response_body");
        states.put(
            id,
            new KeyState(
                false,
                null,
                row.getBuffer("fingerprint").getBytes(),
                row.getInteger("response_status"),
                body == null ? null : body.getBytes()));
      }
    }
  }

  /**
   * A key an earlier request holds, as read with {@link #keyJoin}: that request's {@code
   * fingerprint}, and its {@code response_status} and {@code response_body} once it has answered.
   */
  public record Held(byte[] fingerprint, Integer status, byte[] body) {
    /** What a request with {@code requestFingerprint} gets from this key. */
    public IdempotencyClaim claimFor(byte[] requestFingerprint) {
      if (!MessageDigest.isEqual(fingerprint, requestFingerprint)) {
        return IdempotencyClaim.MISMATCH;
      }
      if (status == null) {
        return IdempotencyClaim.IN_FLIGHT;
      }
      return new IdempotencyClaim.Replay(status, body);
    }
  }

  /** What a request with {@code fingerprint} gets from a key in {@code state} it did not claim. */
  private static IdempotencyClaim outcome(KeyState state, byte[] fingerprint) {
    if (state == null) {
      // Neither claimed nor held: another request's claim we cannot see yet, or its release
      // between our two reads. Treat it as running.
      return IdempotencyClaim.IN_FLIGHT;
    }
    return new Held(state.fingerprint(), state.status(), state.body()).claimFor(fingerprint);
  }

  /**
   * A data-modifying statement that stores the response with the change, for a CTE; with a {@code
   * guard} CTE name, only when that CTE returned a row. The key must still be held by the claim
   * whose {@code lease} is given: a request that stalled past its lease while another took the key
   * over fails whole ({@link #isTakenOver}), its change undone, so that one key never makes two
   * changes.
   */
  public String completeSql(
      SqlParams p,
      UUID merchantId,
      String key,
      int status,
      byte[] body,
      String guard,
      OffsetDateTime lease) {
    String sql =
        "UPDATE "
            + table
            + " SET response_status = CASE WHEN locked_until = "
            + p.add(lease)
            + " THEN "
            + p.add(status)
            + " ELSE "
            + takenOverSql
            + " END, response_body = "
            + p.add(body)
            + ", locked_until = NULL WHERE merchant_id = "
            + p.add(merchantId)
            + " AND key = "
            + p.add(key);
    return guard == null ? sql : sql + " AND EXISTS (SELECT 1 FROM " + guard + ")";
  }

  /**
   * Whether {@code failure} is that of a statement that would have completed a key another request
   * took over ({@link #completeSql}): nothing was changed.
   */
  public static boolean isTakenOver(Throwable failure) {
    return failure instanceof PgException pg && TAKEN_OVER_STATE.equals(pg.getSqlState());
  }

  /**
   * A query, for a CTE, of the rows of {@code from} whose key ({@code merchantId, key}: SQL
   * expressions over it) is still held by the claim with {@code lease}, selecting {@code columns}.
   * It locks those keys until the statement's transaction ends, and a request that took a key over,
   * or released it, before the lock was granted is seen even if it committed while the statement
   * ran: the statement makes only the changes of the rows it returns, and so a request that stalled
   * past its lease changes nothing.
   */
  public String stillClaimedSql(
      String columns, String from, String merchantId, String key, String lease) {
    return "SELECT "
        + columns
        + " FROM "
        + from
        + " JOIN "
        + table
        + " held ON held.merchant_id = "
        + merchantId
        + " AND held.key = "
        + key
        + " AND held.locked_until = "
        + lease
        + " AND held.response_status IS NULL ORDER BY held.merchant_id, held.key FOR UPDATE OF held";
  }

  /**
   * A statement that locks {@code FOR SHARE} the rows of the keys {@code $1} (merchants, {@code
   * uuid[]}) and {@code $2} (keys, {@code text[]}), in the order {@link #stillClaimedSql} locks
   * them: a reader that runs it first waits for a statement that holds those rows, or waits for
   * them, until that statement ends.
   */
  public String lockKeysSql() {
    return "SELECT 1 FROM "
        + table
        + " k WHERE (k.merchant_id, k.key) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))"
        + " ORDER BY k.merchant_id, k.key FOR SHARE";
  }

  /**
   * A data-modifying statement that stores many responses at once, for a CTE: {@code query} selects
   * the columns {@code merchant_id, key, lease, status, body}, for keys claimed before with {@code
   * lease} and found still held by {@link #stillClaimedSql} in the same statement; rows whose key
   * is {@code NULL} store nothing.
   */
  public String completeAllSql(String query) {
    return "UPDATE "
        + table
        + " k SET response_status = r.status, response_body = r.body, locked_until = NULL FROM ("
        + query
        + ") r WHERE k.merchant_id = r.merchant_id AND k.key = r.key"
        + " AND k.locked_until = r.lease";
  }

  /**
   * A data-modifying statement, for a CTE, that claims keys and stores their responses at once:
   * {@code query} selects the columns {@code merchant_id, key, fingerprint, status, body}. The
   * statement must leave out keys that exist ({@link #keyJoin}): one that exists all the same
   * (taken after the statement's snapshot) fails it whole ({@link #isKeyTaken}), so that no change
   * is ever made without its key, and it may run again.
   */
  public String insertAllSql(String query) {
    return "INSERT INTO "
        + table
        + " (merchant_id, key, fingerprint, response_status, response_body, created_at,"
        + " expires_at) SELECT r.merchant_id, r.key, r.fingerprint, r.status, r.body, now(), now() + "
        + ttlMillis
        + " * interval '1 millisecond' FROM ("
        + query
        + ") r";
  }

  /** Whether {@code failure} is that of a statement that found a key it claims already taken. */
  public boolean isKeyTaken(Throwable failure) {
    return Failures.isUniqueViolation(failure, table.substring(table.indexOf('.') + 1) + "_pkey");
  }

  /**
   * A {@code LEFT JOIN} of the key {@code merchantId, key} (SQL expressions) as {@code alias},
   * whatever its state. {@link #heldSql} tells whether an earlier request holds it; one that does
   * not (expired, released, or its holder died) may only be taken over by a claim. Read {@code
   * alias.fingerprint, alias.response_status, alias.response_body} of a held key into a {@link
   * Held}.
   */
  public String keyJoin(String alias, String merchantId, String key) {
    return " LEFT JOIN "
        + table
        + " "
        + alias
        + " ON "
        + alias
        + ".merchant_id = "
        + merchantId
        + " AND "
        + alias
        + ".key = "
        + key;
  }

  /**
   * Whether the key joined as {@code alias} is held by an earlier request: live, with its response
   * stored or still locked by the request running.
   */
  public static String heldSql(String alias) {
    return "("
        + alias
        + ".expires_at > now() AND ("
        + alias
        + ".response_status IS NOT NULL OR "
        + alias
        + ".locked_until > now()))";
  }

  /**
   * Releases a key claimed with {@code lease} after a failed request; the same request may then run
   * again. A key another request has taken over since is left to it. The key stays, free to claim:
   * a request that held it before and stalled still finds it no longer under its lease.
   *
   * <p>A release that fails (the request failed because PostgreSQL is away, say) is tried again in
   * the background until it succeeds or the lease is over, without holding up the answer: else the
   * client's retry, which the answer invites, would meet its own key "still in flight" until the
   * lease ran out. Nor does the answer wait more than {@link #RELEASE_WAIT} for one that waits for
   * the key's row: a transaction that wrote it and lost its client (a statement whose answer was
   * lost, still running or left open) holds that lock until PostgreSQL learns of it; the release
   * lands once it is let go.
   */
  public Uni<Void> release(UUID merchantId, String key, OffsetDateTime lease) {
    if (key == null) {
      return Uni.createFrom().voidItem();
    }
    Supplier<Uni<Void>> once =
        () ->
            pool.preparedQuery(releaseSql)
                .execute(Tuple.of(merchantId, key, lease))
                .replaceWithVoid();
    // Runs to its end whether or not the answer waits for it: a release that fails after the
    // answer went is still tried again.
    Uni<Void> attempt =
        once.get()
            .onFailure()
            .invoke(failed -> releaseLater(once, lease))
            .onFailure()
            .recoverWithNull()
            .memoize()
            .indefinitely();
    attempt.subscribe().with(ignored -> {});
    return attempt.ifNoItem().after(RELEASE_WAIT).recoverWithItem(() -> null);
  }

  private static void releaseLater(Supplier<Uni<Void>> once, OffsetDateTime lease) {
    if (lease == null) {
      return;
    }
    Uni.createFrom()
        .deferred(once::get)
        .onFailure()
        .retry()
        .withBackOff(Duration.ofMillis(250), Duration.ofSeconds(2))
        .expireAt(lease.toInstant().toEpochMilli())
        .subscribe()
        .with(ok -> {}, failed -> {}); // the lease ends it anyway
  }

  /** Deletes every expired key, {@value Purge#BATCH} per statement; emits how many. */
  public Uni<Long> purgeExpired() {
    return Purge.untilDone(() -> pool.query(purgeSql).execute().map(RowSet::rowCount), Purge.BATCH);
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
