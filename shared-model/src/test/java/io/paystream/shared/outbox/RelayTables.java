package io.paystream.shared.outbox;

import io.paystream.shared.sql.SqlParams;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Duration;
import java.util.List;

/** A service's outbox tables, as its migrations make them, in the schema {@code relaytest}. */
final class RelayTables {
  static final String OUTBOX = "relaytest.outbox";
  static final String EPOCH = "relaytest.redis_epoch";

  private RelayTables() {}

  /** Creates the schema and its tables (the database is new). */
  static void create(Pool pool) {
    for (String ddl :
        List.of(
            "CREATE SCHEMA relaytest",
            "CREATE TABLE relaytest.outbox (id bigserial PRIMARY KEY, txid xid8 NOT NULL DEFAULT"
                + " pg_current_xact_id(), streams text[] NOT NULL, payloads text[] NOT NULL,"
                + " created_at timestamptz NOT NULL DEFAULT now())",
            "CREATE INDEX ON relaytest.outbox (txid, id)",
            "CREATE TABLE relaytest.outbox_cursor (id boolean PRIMARY KEY DEFAULT true,"
                + " last_txid xid8 NOT NULL, last_id bigint NOT NULL,"
                + " last_sequence bigint NOT NULL DEFAULT 0,"
                + " acked_txid xid8 NOT NULL DEFAULT '0', acked_id bigint NOT NULL DEFAULT 0)",
            "INSERT INTO relaytest.outbox_cursor (last_txid, last_id) VALUES ('0', 0)",
            "CREATE TABLE relaytest.redis_epoch (id boolean PRIMARY KEY DEFAULT true,"
                + " epoch text NOT NULL, seen_at timestamptz NOT NULL)")) {
      pool.query(ddl).execute().await().atMost(Duration.ofSeconds(10));
    }
  }

  /** Appends a row with one event, {@code payload}, for {@code stream}. */
  static Uni<Void> insert(SqlClient client, String stream, String payload) {
    OutboxSql events = new OutboxSql(null, null, Timestamps.now()).addEncoded(stream, payload);
    SqlParams p = new SqlParams();
    String sql = events.insertInto(OUTBOX, p, null);
    return client.preparedQuery(sql).execute(p.tuple()).replaceWithVoid();
  }
}
