package io.paystream.shared.sql;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes each service's PostgreSQL pool from the options Quarkus built from its configuration, with
 * one change: statements up to {@link #CACHED_SQL_LIMIT} characters are kept prepared on their
 * connection.
 *
 * <p>The client keeps a statement prepared (parsed and planned once, then only bound and run) only
 * when its text is shorter than 2,048 characters by default, and Quarkus has no setting for that
 * limit. A longer statement is silently sent as an unnamed one: parsed and planned again on every
 * call. The statements that accept payments with their idempotency keys are 2.5–3.6 K characters
 * (they read the keys, update the orders, insert the payments, the outbox row and the stored
 * answers at once); parsing and planning one cost PostgreSQL about 1.1 ms per call, more than
 * running it. Every statement of the services is fixed text (batches travel as arrays), so the
 * cache holds a bounded set; the limit only keeps an accidental statement with values inlined from
 * crowding the others out.
 *
 * <p>The pool connects with the credentials of the datasource's URL, user name and password
 * settings, which is how the services are configured; a Quarkus credentials provider would not be
 * consulted.
 */
@Singleton
public class StatementCachingPool implements PgPoolCreator {

  /** Longest statement text kept prepared, in characters. */
  public static final int CACHED_SQL_LIMIT = 16_384;

  @Override
  public Pool create(Input input) {
    List<SqlConnectOptions> databases = new ArrayList<>(input.pgConnectOptionsList().size());
    input
        .pgConnectOptionsList()
        .forEach(
            options -> databases.add(options.setPreparedStatementCacheSqlLimit(CACHED_SQL_LIMIT)));
    return PgBuilder.pool()
        .with(input.poolOptions())
        .connectingTo(databases)
        .using(input.vertx())
        .build();
  }
}
