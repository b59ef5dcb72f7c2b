package io.paystream.payments.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweeper under the job stream: payments whose jobs were lost are finished from PostgreSQL. */
@QuarkusTest
class OverdueSweeperTest {
  @Inject Workers workers;
  @Inject OverdueSweeper sweeper;
  @Inject Pool pool;

  @Test
  void aBacklogLargerThanABatchIsFinishedInOneSweep() {
    sweeper.stop();
    workers.stop(); // their jobs are "lost": nothing but the sweeper finishes them
    try {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 250; i++) { // more than a batch (200)
        ids.add(Api.payment("success@bank"));
      }
      pool.preparedQuery(
              "UPDATE payments.payments SET process_after = now() - interval '1 hour'"
                  + " WHERE id = ANY($1)")
          .execute(Tuple.of(ids.toArray(String[]::new)))
          .await()
          .atMost(Duration.ofSeconds(10));
      long finished = sweeper.sweepBacklog().await().atMost(Duration.ofSeconds(30));
      // (A job read just before the workers stopped may have finished one or two already.)
      assertTrue(finished > 200, "finished " + finished);
      long pending =
          pool.preparedQuery(
                  "SELECT count(*) FROM payments.payments WHERE id = ANY($1) AND status = 'pending'")
              .execute(Tuple.of(ids.toArray(String[]::new)))
              .await()
              .atMost(Duration.ofSeconds(10))
              .iterator()
              .next()
              .getLong(0);
      assertEquals(0, pending);
    } finally {
      workers.start();
      sweeper.start();
    }
  }
}
