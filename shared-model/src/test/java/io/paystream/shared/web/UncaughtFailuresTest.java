package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.Failures;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UncaughtFailuresTest {
  @Test
  void aPoolQueryFailedForWantOfADatabaseIsNotReportedAgainWhenItsWaitRunsOut() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    UncaughtFailures uncaught = new UncaughtFailures();
    uncaught.install(vertx);
    Pool pool =
        PgBuilder.pool()
            .with(
                new PoolOptions()
                    .setMaxSize(2)
                    .setConnectionTimeout(200)
                    .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
            .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(closedPort))
            .using(vertx)
            .build();
    try {
      Throwable failure =
          pool.query("SELECT 1")
              .execute()
              .toCompletionStage()
              .toCompletableFuture()
              .handle((ok, err) -> err)
              .get(10, TimeUnit.SECONDS);
      assertTrue(Failures.isTransient(failure), String.valueOf(failure));
      // The pool's wait runs out 200 ms after the query began, the query long failed.
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (uncaught.poolTimerRaces() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      // Once the client cancels its timer (vertx-sql-client#1706) this is 0: drop the filter then.
      assertEquals(1, uncaught.poolTimerRaces(), "the client's late timer was seen and set aside");
      assertEquals(0, uncaught.others(), "nothing reported as an error");

      // Anything else is still an error, even with the same words.
      vertx.setTimer(
          1,
          id -> {
            throw new IllegalStateException("Result is already complete");
          });
      until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (uncaught.others() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(1, uncaught.others());
      assertEquals(1, uncaught.poolTimerRaces());
    } finally {
      pool.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
