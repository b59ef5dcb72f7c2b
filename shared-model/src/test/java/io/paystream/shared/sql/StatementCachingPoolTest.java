package io.paystream.shared.sql;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.Failures;
import io.paystream.shared.testing.TestDatabases;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A statement that finds every connection of the pool busy waits for one at most {@link
 * StatementCachingPool#CONNECTION_WAIT_SECONDS}, and then fails as one never sent, which its
 * request answers 503: well before the edge's 30 s read timeout would answer 504, "may have been
 * carried out".
 */
class StatementCachingPoolTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aStatementWaitsForABusyPoolsConnectionAtMostTheWaitAndFailsUnsent() throws Exception {
    String[] hostPort = TestDatabases.postgres().split(":");
    PgConnectOptions database =
        new PgConnectOptions()
            .setHost(hostPort[0])
            .setPort(Integer.parseInt(hostPort[1]))
            .setDatabase("postgres")
            .setUser(TestDatabases.user());
    Pool pool =
        new StatementCachingPool()
            .create(
                new PgPoolCreator.Input() {
                  @Override
                  public Vertx vertx() {
                    return vertx;
                  }

                  @Override
                  public PoolOptions poolOptions() {
                    return new PoolOptions().setMaxSize(1);
                  }

                  @Override
                  public List<PgConnectOptions> pgConnectOptionsList() {
                    return List.of(database);
                  }
                });
    SqlConnection busy = pool.getConnection().toCompletionStage().toCompletableFuture().get();
    try {
      long started = System.nanoTime();
      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () ->
                  pool.query("SELECT 1")
                      .execute()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(40, TimeUnit.SECONDS));
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      long wait = TimeUnit.SECONDS.toMillis(StatementCachingPool.CONNECTION_WAIT_SECONDS);
      assertTrue(
          waitedMillis >= wait - 500 && waitedMillis < wait + 5_000,
          "refused after " + waitedMillis + " ms");
      assertTrue(Failures.isUnsent(refused.getCause()), "unsent: " + refused.getCause());
    } finally {
      busy.close();
      pool.close();
    }
  }
}
