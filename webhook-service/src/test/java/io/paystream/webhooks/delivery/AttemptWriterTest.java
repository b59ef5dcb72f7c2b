package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paystream.webhooks.repository.DeliveryRepository;
import io.paystream.webhooks.repository.DeliveryRepository.Finished;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.net.ConnectException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An outcome whose write the database refused counts as waiting until it is written, also while it
 * waits to be tried again: the drain at shutdown waits for it, or its delivery would be attempted
 * again once its lease ran out.
 */
class AttemptWriterTest {
  @Test
  void anOutcomeWaitingToBeTriedAgainCountsAsWaiting() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    DeliveryRepository repository =
        new DeliveryRepository(null) {
          @Override
          public Uni<Finished> finish(List<AttemptRecord> attempts) {
            if (calls.incrementAndGet() <= 2) {
              return Uni.createFrom().failure(new ConnectException("database down"));
            }
            return Uni.createFrom()
                .item(new Finished(Set.of(attempts.get(0).deliveryId()), Set.of()));
          }
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Vertx vertx = Vertx.vertx();
    try {
      AttemptWriter writer = new AttemptWriter(vertx, repository, null, registry);
      UUID delivery = UUID.randomUUID();
      writer.write(
          new AttemptRecord(
              delivery,
              UUID.randomUUID(),
              1,
              Instant.now(),
              200,
              12,
              "ok",
              null,
              "success",
              null,
              "https://example.com/hook"));
      long deadline = System.currentTimeMillis() + 10_000;
      while (calls.get() < 3 && System.currentTimeMillis() < deadline) {
        if (calls.get() > 0) {
          assertEquals(1, writer.waiting(), "after " + calls.get() + " refused writes");
        }
        Thread.sleep(5);
      }
      assertEquals(3, calls.get());
      while (writer.waiting() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(0, writer.waiting());
      assertEquals(
          1.0,
          registry.get("paystream.webhook.deliveries").tag("outcome", "success").counter().count());
    } finally {
      vertx.closeAndAwait();
    }
  }
}
