package io.paystream.refunds.repository;

import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.sql.SqlParams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** The merchant credentials projection: what API calls are authenticated against. */
@ApplicationScoped
public class MerchantRepository {
  private final Pool pool;

  public MerchantRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Applies a merchant event once per event id, and only over what an older event wrote: events are
   * ordered by their credentials version, then by their time, then by {@code rank} (a rotation
   * after the creation it follows). An event without a version (from a release before versions)
   * takes the version of what it would replace, and so is placed by its time. Emits whether the row
   * changed.
   */
  public Uni<Boolean> apply(String eventId, MerchantCredentials m, Instant eventAt, int rank) {
    SqlParams p = new SqlParams();
    String version = p.add(m.credentialsVersion()) + "::bigint";
    String sql =
        "WITH "
            + Rows.firstTimeSeen(p, eventId)
            + ", m AS (INSERT INTO "
            + Tables.MERCHANTS
            + " AS m (id, name, api_key, api_secret_hash, credentials_version, version_at,"
            + " version_rank, updated_at)"
            + " SELECT "
            + String.join(
                ", ",
                p.add(UUID.fromString(m.id())),
                p.add(m.name()),
                p.add(m.apiKey()),
                p.add(ApiSecrets.parseHash(m.apiSecretHash())),
                "coalesce(" + version + ", 0)",
                p.add(eventAt),
                p.add(rank),
                "now()")
            + " WHERE EXISTS (SELECT 1 FROM e) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"
            + " api_key = EXCLUDED.api_key, api_secret_hash = EXCLUDED.api_secret_hash,"
            + " credentials_version = coalesce("
            + version
            + ", m.credentials_version),"
            + " version_at = EXCLUDED.version_at, version_rank = EXCLUDED.version_rank,"
            + " updated_at = now()"
            + " WHERE (coalesce("
            + version
            + ", m.credentials_version), EXCLUDED.version_at, EXCLUDED.version_rank)"
            + " >= (m.credentials_version, m.version_at, m.version_rank)"
            + " RETURNING 1) SELECT count(*) AS n FROM m";
    return pool.preparedQuery(sql).execute(p.tuple()).map(Rows::countedOne);
  }
}
