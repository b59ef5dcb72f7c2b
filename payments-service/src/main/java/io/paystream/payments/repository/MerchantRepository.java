package io.paystream.payments.repository;

import io.paystream.payments.Merchant;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
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
   * An email as the database matches it ({@code lower()}, which folds some letters otherwise than
   * Java does) and the merchant it belongs to, if any.
   */
  public record ByEmail(String folded, Merchant merchant) {}

  /** The merchant with this email (in any case the database folds alike), or none. */
  public Uni<ByEmail> byEmail(String email) {
    return pool.preparedQuery(
            "SELECT lower($1) AS folded, "
                + COLUMNS
                + " FROM (SELECT 1) one LEFT JOIN "
                + Tables.MERCHANTS
                + " ON lower(email) = lower($1)")
        .execute(Tuple.of(email))
        .map(
            rows -> {
              Row r = Rows.first(rows);
              return new ByEmail(
                  r.getString("folded"), r.getUUID("id") == null ? null : merchant(r));
            });
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
