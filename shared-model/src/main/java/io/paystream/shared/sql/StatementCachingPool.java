package io.paystream.shared.sql;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes each service's PostgreSQL pool from the options Quarkus built from its configuration, with
 * two changes: statements up to {@link #CACHED_SQL_LIMIT} characters are kept prepared on their
 * connection, and a request waits at most {@link #CONNECTION_WAIT_SECONDS} for a connection.
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

  /**
   * How long a statement waits for one of the pool's connections (all busy, or none can be made:
   * the database hangs) before it fails unsent, and its request is answered 503, nothing done. The
   * client's default, 30 s, is the edge's read timeout: a request queued that long got the edge's
   * 504, which says it may have been carried out, or the 503, whichever came first.
   */
  public static final int CONNECTION_WAIT_SECONDS = 10;

  @Override
  public Pool create(Input input) {
    List<SqlConnectOptions> databases = new ArrayList<>(input.pgConnectOptionsList().size());
    input
        .pgConnectOptionsList()
        .forEach(
            options -> databases.add(options.setPreparedStatementCacheSqlLimit(CACHED_SQL_LIMIT)));
    return PgBuilder.pool()
        .with(
            input
                .poolOptions()
                .setConnectionTimeout(CONNECTION_WAIT_SECONDS)
                .setConnectionTimeoutUnit(TimeUnit.SECONDS))
        .connectingTo(databases)
        .using(input.vertx())
        .build();
  }
}
