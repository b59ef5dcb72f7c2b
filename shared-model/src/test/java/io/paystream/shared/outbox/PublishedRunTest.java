package io.paystream.shared.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.outbox.PublishedRun.Position;
import io.paystream.shared.stream.RedisStreams.Acknowledged;
import io.paystream.shared.stream.RedisStreams.Bound;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedRunTest {
  private static final String S = "s";
  private static final Position START = new Position("5", 10);
  private static final Position FIRST = new Position("6", 11);
  private static final Position SECOND = new Position("7", 12);

  /** A run: before it, entry 1-0; its first batch ended on 2-0 (counter 4), its second on 3-0. */
  private static PublishedRun twoBatches() {
    PublishedRun run = new PublishedRun();
    run.start(START, Map.of(S, "1-0"), FIRST, 4, Map.of(S, "2-0"));
    assertTrue(run.add(SECOND, 5, 5, Map.of(S, "3-0")));
    return run;
  }

  private static Map<String, Acknowledged> through(long sequence, String id, boolean inclusive) {
    return Map.of(S, new Acknowledged(sequence, new Bound(id, inclusive)));
  }

  @Test
  void theBatchesEveryReaderAcknowledgedAreTakenOldestFirst() {
    PublishedRun run = twoBatches();
    assertNull(run.acknowledged(5, through(5, "1-0", false)), "not even the entries before it");
    assertEquals(START, run.acknowledged(5, through(5, "1-0", true)));
    assertEquals(FIRST, run.acknowledged(5, through(5, "3-0", false)));
    assertEquals(SECOND, run.acknowledged(5, through(5, "3-0", true)));
    // The last batch stays, where the next continues from.
    assertTrue(run.continuesFrom(SECOND));
    assertEquals(SECOND, run.acknowledged(5, through(5, "9-0", true)));
  }

  @Test
  void aStreamWhoseReadersCannotBeToldHoldsItsBatches() {
    PublishedRun run = twoBatches();
    assertNull(run.acknowledged(5, Map.of(S, new Acknowledged(5, null))));
    assertNull(run.acknowledged(5, Map.of()), "a stream not read at all");
  }

  @Test
  void aCounterOtherThanTheLastBatchsTakesNothing() {
    PublishedRun run = twoBatches();
    // Read in another Redis (one that lost writes), or after a batch not counted in the run.
    assertNull(run.acknowledged(5, through(4, "9-0", true)));
    assertNull(run.acknowledged(4, through(4, "9-0", true)));
  }

  @Test
  void batchesPilingUpAreMergedWithoutClaimingMore() {
    PublishedRun run = new PublishedRun();
    // Batch i ends at row i and on entry i-0 of S.
    run.start(new Position("1", 0), Map.of(), new Position("1", 1), 1, Map.of(S, "1-0"));
    for (int i = 2; i <= 5_000; i++) {
      assertTrue(run.add(new Position("1", i), i, i, Map.of(S, i + "-0")));
    }
    assertTrue(run.size() <= PublishedRun.MAX_BATCHES, run.size() + " batches held");
    // Readers have acknowledged through entry 3000-0: nothing past row 3000 is claimed, and
    // merging gave up at most the batches of one merged span.
    Position through = run.acknowledged(5_000, through(5_000, "3000-0", true));
    assertTrue(through.id() <= 3_000, "claimed through row " + through.id());
    assertTrue(through.id() >= 3_000 - 16, "gave up back to row " + through.id());
    assertEquals(new Position("1", 5_000), run.acknowledged(5_000, through(5_000, "5000-0", true)));
  }

  @Test
  void aBatchSentAsSeveralPipelinesCarriesTheRunOnFromItsLastCounter() {
    PublishedRun run = twoBatches();
    Position third = new Position("8", 13);
    assertTrue(run.add(third, 6, 8, Map.of(S, "4-0")));
    assertTrue(run.continuesFrom(third));
    assertEquals(third, run.acknowledged(8, through(8, "4-0", true)));
    assertFalse(run.add(new Position("9", 14), 8, 8, Map.of(S, "5-0")));
  }

  @Test
  void aBatchThatDidNotGetTheNextCounterBreaksTheRun() {
    PublishedRun run = twoBatches();
    assertFalse(run.add(new Position("8", 13), 7, 7, Map.of(S, "4-0")));
    assertTrue(run.isEmpty());
    assertFalse(run.continuesFrom(SECOND));
    assertNull(run.acknowledged(7, through(7, "9-0", true)));
  }
}
