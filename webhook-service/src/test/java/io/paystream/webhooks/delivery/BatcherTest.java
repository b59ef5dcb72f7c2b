package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BatcherTest {
  @Test
  void itemsSubmittedWhileAStatementRunsGoTogetherInTheNext() {
    List<List<Integer>> statements = new CopyOnWriteArrayList<>();
    List<UniEmitter<? super Void>> running = new CopyOnWriteArrayList<>();
    Batcher<Integer> b =
        new Batcher<>(
            3,
            1,
            items -> {
              statements.add(items);
              return Uni.createFrom().emitter(running::add);
            });
    List<Uni<Void>> done = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Uni<Void> u = b.submit(i).memoize().indefinitely();
      u.subscribe().with(ok -> {}, err -> {});
      done.add(u);
    }
    assertEquals(List.of(List.of(0)), statements, "alone, an item goes at once");
    assertEquals(6, b.waiting());
    running.get(0).complete(null);
    assertEquals(List.of(List.of(0), List.of(1, 2, 3)), statements, "then up to maxBatch together");
    running.get(1).complete(null);
    running.get(2).complete(null);
    assertEquals(List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5)), statements);
    done.forEach(u -> u.await().atMost(Duration.ofSeconds(1)));
    assertEquals(0, b.waiting());
  }

  @Test
  void aBadItemFailsAloneAndTheOthersAreWritten() {
    List<Integer> written = new CopyOnWriteArrayList<>();
    List<UniEmitter<? super Void>> first = new CopyOnWriteArrayList<>();
    Batcher<Integer> b =
        new Batcher<>(
            10,
            1,
            items -> {
              if (items.size() == 1 && items.get(0) == 0) {
                return Uni.createFrom().emitter(first::add); // holds the others back
              }
              if (items.contains(13)) {
                return Uni.createFrom().failure(new IllegalArgumentException("bad item"));
              }
              written.addAll(items);
              return Uni.createFrom().voidItem();
            });
    b.submit(0).subscribe().with(ok -> {}, err -> {});
    List<Uni<Void>> rest = new ArrayList<>();
    for (int i : new int[] {11, 12, 13, 14}) {
      Uni<Void> u = b.submit(i).memoize().indefinitely();
      u.subscribe().with(ok -> {}, err -> {});
      rest.add(u);
    }
    first.get(0).complete(null);
    assertEquals(List.of(11, 12, 14), written);
    assertThrows(
        IllegalArgumentException.class, () -> rest.get(2).await().atMost(Duration.ofSeconds(1)));
    rest.get(0).await().atMost(Duration.ofSeconds(1));
    assertTrue(b.waiting() == 0);
  }
}
