package io.paystream.webhooks.repository;

import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.sql.SqlParams;
import io.paystream.webhooks.MerchantSecrets;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What this service knows about merchants: API credentials (a projection) and signing secrets. */
@ApplicationScoped
public class MerchantRepository {
  /**
   * The event's credentials version ({@code $8}); an event without one (from a release before
   * versions) takes the version of what it would replace, and so is placed by its time.
   */
  private static final String VERSION = "coalesce($8::bigint, m.credentials_version)";

  /** {@code %1$s} from the event if it is at least as new as what wrote the credentials. */
  private static final String NEWER =
      " CASE WHEN ("
          + VERSION
          + ", EXCLUDED.credentials_at) >= (m.credentials_version, m.credentials_at)"
          + " THEN %2$s ELSE m.%1$s END";

  /**
   * Credentials follow the merchant event of the highest credentials version, then the newest
   * (events may arrive out of order or twice); the first signing secret is taken once, and never
   * over one this service already holds.
   */
  private static final String APPLY_SQL =
      "INSERT INTO "
          + Tables.MERCHANTS
          + " AS m (id, name, api_key, api_secret_hash, credentials_version, credentials_at,"
          + " signing_secret_sealed, created_at, updated_at)"
          + " VALUES ($1, $2, $3, $4, coalesce($8::bigint, 0), $5, $6, $7, now())"
          + " ON CONFLICT (id) DO UPDATE SET"
          + String.join(
              ",",
              " name =" + NEWER.formatted("name", "EXCLUDED.name"),
              " api_key =" + NEWER.formatted("api_key", "EXCLUDED.api_key"),
              " api_secret_hash =" + NEWER.formatted("api_secret_hash", "EXCLUDED.api_secret_hash"),
              // Both of the pair at once: every SET reads the row as it was.
              " credentials_version =" + NEWER.formatted("credentials_version", VERSION),
              " credentials_at =" + NEWER.formatted("credentials_at", "EXCLUDED.credentials_at"))
          + ", signing_secret_sealed = coalesce(m.signing_secret_sealed,"
          + " EXCLUDED.signing_secret_sealed), updated_at = now()";

  private static final String SECRETS_COLUMNS =
      "signing_secret_sealed, previous_secret_sealed, previous_secret_valid_until,"
          + " earlier_secrets, secret_rotated_at";

  /** How many secrets retired before the previous one may still sign. */
  static final int MAX_EARLIER_SECRETS = 8;

  private final Pool pool;

  public MerchantRepository(Pool pool) {
    this.pool = pool;
  }

  /** Applies a merchant event's credentials (and first signing secret) as of {@code eventAt}. */
  public Uni<Void> apply(MerchantCredentials m, Instant eventAt) {
    SqlParams p = new SqlParams();
    p.add(UUID.fromString(m.id()));
    p.add(m.name() == null ? "" : m.name());
    p.add(m.apiKey());
    p.add(ApiSecrets.parseHash(m.apiSecretHash()));
    p.add(eventAt);
    p.add(m.webhookSecretSealed());
    p.add(m.createdAt() == null ? eventAt : m.createdAt());
    p.add(m.credentialsVersion());
    return pool.preparedQuery(APPLY_SQL).execute(p.tuple()).replaceWithVoid();
  }

  /** The merchant's signing secrets; all {@code null} for an unknown merchant. */
  public Uni<MerchantSecrets> secrets(UUID merchantId) {
    return pool.preparedQuery(
            "SELECT " + SECRETS_COLUMNS + " FROM " + Tables.MERCHANTS + " WHERE id = $1")
        .execute(Tuple.of(merchantId))
        .map(Rows::first)
        .map(r -> r == null ? new MerchantSecrets(null, List.of(), null) : secrets(r));
  }

  /**
   * Makes {@code sealed} the signing secret; the one before keeps signing until {@code
   * previousUntil}. Stores the idempotent response in the same statement. Emits false for an
   * unknown merchant.
   */
  public Uni<Boolean> rotate(
      UUID merchantId, String sealed, Instant at, Instant previousUntil, StoredResponse response) {
    SqlParams p = new SqlParams();
    String sql =
        "WITH m AS (UPDATE "
            + Tables.MERCHANTS
            // Every SET reads the row as it was: the previous secret joins the earlier ones.
            + " SET earlier_secrets = (SELECT coalesce(jsonb_agg(e ORDER BY u DESC), '[]'::jsonb)"
            + " FROM (SELECT e, (e->>'valid_until')::timestamptz AS u FROM jsonb_array_elements("
            + "CASE WHEN previous_secret_sealed IS NULL THEN '[]'::jsonb ELSE jsonb_build_array("
            + "jsonb_build_object('sealed', previous_secret_sealed, 'valid_until',"
            + " previous_secret_valid_until)) END || earlier_secrets) AS t(e)"
            + " WHERE (e->>'valid_until')::timestamptz > "
            + p.add(at)
            + "::timestamptz ORDER BY u DESC LIMIT "
            + MAX_EARLIER_SECRETS
            + ") x),"
            + " previous_secret_sealed = signing_secret_sealed,"
            + " previous_secret_valid_until = CASE WHEN signing_secret_sealed IS NULL THEN NULL"
            + " ELSE "
            + p.add(previousUntil)
            + "::timestamptz END, signing_secret_sealed = "
            + p.add(sealed)
            + ", secret_rotated_at = "
            + p.add(at)
            + ", updated_at = now() WHERE id = "
            + p.add(merchantId)
            + " RETURNING id)"
            + StoredResponse.cte(response, p, "m")
            + " SELECT count(*) AS n FROM m";
    return pool.preparedQuery(sql)
        .execute(p.tuple())
        .map(rows -> Rows.first(rows).getLong("n") == 1);
  }

  /**
   * Whether the merchant's signing secret is {@code sealed}: asked about a {@link #rotate} whose
   * answer was lost with its connection. The merchant's row is locked first (that statement's
   * UPDATE holds it until it commits or aborts), so that the secret is read only once such a
   * statement has ended.
   */
  public Uni<Boolean> secretIs(UUID merchantId, String sealed) {
    return InDoubt.lockedRowHolds(
        pool,
        "SELECT signing_secret_sealed = $2 FROM " + Tables.MERCHANTS + " WHERE id = $1 FOR SHARE",
        Tuple.of(merchantId, sealed));
  }

  /** Reads the secrets columns of a row. */
  static MerchantSecrets secrets(Row r) {
    List<MerchantSecrets.Retired> retired = new ArrayList<>();
    String previous = r.getString("previous_secret_sealed");
    if (previous != null) {
      retired.add(
          new MerchantSecrets.Retired(previous, Rows.instant(r, "previous_secret_valid_until")));
    }
    JsonArray earlier = r.getJsonArray("earlier_secrets");
    for (int i = 0; earlier != null && i < earlier.size(); i++) {
      JsonObject e = earlier.getJsonObject(i);
      retired.add(
          new MerchantSecrets.Retired(
              e.getString("sealed"), OffsetDateTime.parse(e.getString("valid_until")).toInstant()));
    }
    return new MerchantSecrets(
        r.getString("signing_secret_sealed"), retired, Rows.instant(r, "secret_rotated_at"));
  }
}
