package io.paystream.payments.repository;

import io.paystream.payments.Merchant;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/** Merchant accounts and their credentials. */
@ApplicationScoped
public class MerchantRepository {
  private static final String COLUMNS =
      "id, name, email, api_key, api_secret_sealed, password_hash, is_test, created_at,"
          + " credentials_version";

  private final Pool pool;

  public MerchantRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * A login's attempt: the account it counts under (a SHA-256 of the email as the database folds
   * it, {@code lower()}, which folds some letters otherwise than Java does: the table keeps no
   * email that someone typed), the merchant it belongs to, if any, and the whole seconds until the
   * account may try again, 0 when this attempt was let through (and counted as failed).
   */
  public record LoginAttempt(String account, Merchant merchant, int retryAfterSeconds) {}

  private static final String ACCOUNT = "encode(sha256(convert_to(lower($1), 'UTF8')), 'hex')";
  private static final String WINDOW_ENDED = windowEnded("$2");

  /** Whether the window of row {@code f}, {@code millis} long (a parameter), has ended. */
  private static String windowEnded(String millis) {
    return "f.first_at <= now() - " + millis + " * interval '1 millisecond'";
  }

  /**
   * Counts a login of {@code email} as failed until it {@link #loginSucceeded succeeds}, unless the
   * account (known or not) already has {@code maxFailures} within {@code window} from the first of
   * them, and reads the merchant it belongs to; one statement, so that every instance shares the
   * count and logins at once cannot all pass before the first is found wrong. A refused attempt
   * changes no row (it only locks the account's for a moment).
   */
  public Uni<LoginAttempt> loginAttempt(String email, Duration window, int maxFailures) {
    return pool.preparedQuery(
            "WITH attempt AS (INSERT INTO "
                + Tables.LOGIN_FAILURES
                + " AS f (account, first_at, failures) VALUES ("
                + ACCOUNT
                + ", now(), 1) ON CONFLICT (account) DO UPDATE SET"
                // a window starts at its first failure; one whose failures were all taken back
                // starts again too
                + " first_at = CASE WHEN f.failures = 0 OR "
                + WINDOW_ENDED
                + " THEN now() ELSE f.first_at END,"
                + " failures = CASE WHEN f.failures = 0 OR "
                + WINDOW_ENDED
                + " THEN 1 ELSE f.failures + 1 END"
                + " WHERE f.failures < $3 OR "
                + WINDOW_ENDED
                + " RETURNING account, first_at, true AS counted),"
                + " held AS (SELECT account, first_at, false AS counted FROM "
                + Tables.LOGIN_FAILURES
                + " WHERE account = "
                + ACCOUNT
                + " AND NOT EXISTS (SELECT 1 FROM attempt))"
                + " SELECT a.account, a.counted,"
                + " ceil(extract(epoch FROM a.first_at + $2 * interval '1 millisecond' - now()))"
                + "::int AS wait, "
                + COLUMNS
                + " FROM (SELECT * FROM attempt UNION ALL SELECT * FROM held) a LEFT JOIN "
                + Tables.MERCHANTS
                + " ON lower(email) = lower($1)")
        .execute(Tuple.of(email, window.toMillis(), maxFailures))
        .map(
            rows -> {
              if (rows.size() == 0) {
                // Refused, by a count that other logins took to the limit after this statement's
                // snapshot was taken (and so unread here).
                return new LoginAttempt(null, null, 1);
              }
              Row r = rows.iterator().next();
              return new LoginAttempt(
                  r.getString("account"),
                  r.getUUID("id") == null ? null : merchant(r),
                  r.getBoolean("counted") ? 0 : Math.max(1, r.getInteger("wait")));
            });
  }

  /**
   * Takes back a let-through attempt of {@code account} (as {@link #loginAttempt} named it) that
   * got no verdict on its password.
   */
  public Uni<Void> loginUndone(String account) {
    return pool.preparedQuery(
            "UPDATE "
                + Tables.LOGIN_FAILURES
                + " SET failures = failures - 1 WHERE account = $1 AND failures > 0")
        .execute(Tuple.of(account))
        .replaceWithVoid();
  }

  /** Clears the failed logins of {@code account} (as {@link #loginAttempt} named it). */
  public Uni<Void> loginSucceeded(String account) {
    return pool.preparedQuery("DELETE FROM " + Tables.LOGIN_FAILURES + " WHERE account = $1")
        .execute(Tuple.of(account))
        .replaceWithVoid();
  }

  /** Deletes the failed logins whose window has ended; emits how many. */
  public Uni<Integer> purgeLoginFailures(Duration window) {
    return pool.preparedQuery(
            "DELETE FROM " + Tables.LOGIN_FAILURES + " f WHERE " + windowEnded("$1"))
        .execute(Tuple.of(window.toMillis()))
        .map(rows -> rows.rowCount());
  }

  /** The merchant with this id, or {@code null}. */
  public Uni<Merchant> byId(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM " + Tables.MERCHANTS + " WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> merchant(Rows.first(rows)));
  }

  /**
   * Inserts a merchant and its events (and stores its idempotent response, if any) in one
   * statement; emits false, changing nothing, when the id, key or email is taken.
   */
  public Uni<Boolean> insert(
      Merchant m, byte[] secretHash, OutboxSql events, StoredResponse response) {
    SqlParams p = new SqlParams();
    String sql =
        "WITH m AS (INSERT INTO "
            + Tables.MERCHANTS
            + " (id, name, email, password_hash, api_key, api_secret_hash, api_secret_sealed,"
            + " is_test, created_at, updated_at) VALUES ("
            + p.add(m.id())
            + ", "
            + p.add(m.name())
            + ", "
            + p.add(m.email())
            + ", "
            + p.add(m.passwordHash())
            + ", "
            + p.add(m.apiKey())
            + ", "
            + p.add(secretHash)
            + ", "
            + p.add(m.apiSecretSealed())
            + ", "
            + p.add(m.isTest())
            + ", "
            + p.add(m.createdAt())
            + ", "
            + p.add(m.createdAt())
            + ") ON CONFLICT DO NOTHING RETURNING id), ev AS ("
            + events.insertInto(Tables.OUTBOX, p, "m")
            + ")"
            + StoredResponse.cte(response, p, "m")
            + " SELECT count(*) AS n FROM m";
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /**
   * Replaces a merchant's API secret and announces it (and stores its idempotent response, if any),
   * in one statement, moving its credentials version on from {@code version}. Emits false, changing
   * nothing, when the secret is no longer the one whose hash is {@code presentedHash}, or the
   * version no longer {@code version} (another rotation came first).
   */
  public Uni<Boolean> replaceSecret(
      UUID id,
      long version,
      byte[] presentedHash,
      byte[] secretHash,
      String sealed,
      OutboxSql events,
      StoredResponse response) {
    SqlParams p = new SqlParams();
    String sql =
        "WITH m AS (UPDATE "
            + Tables.MERCHANTS
            + " SET api_secret_hash = "
            + p.add(secretHash)
            + ", api_secret_sealed = "
            + p.add(sealed)
            + ", credentials_version = credentials_version + 1, updated_at = now() WHERE id = "
            + p.add(id)
            + " AND credentials_version = "
            + p.add(version)
            + " AND api_secret_hash = "
            + p.add(presentedHash)
            + " RETURNING id), ev AS ("
            + events.insertInto(Tables.OUTBOX, p, "m")
            + ")"
            + StoredResponse.cte(response, p, "m")
            + " SELECT count(*) AS n FROM m";
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /**
   * Whether the merchant's API secret is the one hashed as {@code secretHash}: asked about a {@link
   * #replaceSecret} whose answer was lost with its connection. The merchant's row is locked first
   * (that statement's UPDATE holds it until it commits or aborts), so that the secret is read only
   * once such a statement has ended.
   */
  public Uni<Boolean> secretIs(UUID id, byte[] secretHash) {
    return InDoubt.lockedRowHolds(
        pool,
        "SELECT api_secret_hash = $2 FROM " + Tables.MERCHANTS + " WHERE id = $1 FOR SHARE",
        Tuple.of(id, Buffer.buffer(secretHash)));
  }

  private static Merchant merchant(Row row) {
    if (row == null) {
      return null;
    }
    return new Merchant(
        row.getUUID("id"),
        row.getString("name"),
        row.getString("email"),
        row.getString("api_key"),
        row.getString("api_secret_sealed"),
        row.getString("password_hash"),
        row.getBoolean("is_test"),
        Rows.instant(row, "created_at"),
        row.getLong("credentials_version"));
  }
}
