package io.paystream.shared.outbox;

import io.paystream.shared.stream.RedisStreams.Acknowledged;
import io.paystream.shared.stream.RedisStreams.Bound;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The batches the lead has published one after another, without a break, with the stream entries
 * each ended on: what it needs to tell up to which outbox row every reader has acknowledged every
 * event (see {@link OutboxRelay}).
 *
 * <p>A run starts at a batch read from where the cursor then stood, with the last entry of each
 * known stream just before it (its barrier, read right before the batch is sent): rows up to the
 * cursor were published before, by this lead or an earlier one, and their entries are among those.
 * A stream's entries are in the order they were added, and one lead publishes at a time, so an
 * entry acknowledged by every group, together with all before it, covers every row up to the batch
 * it came from. The run breaks, and a new one starts with the next batch, when anything but this
 * lead moved the cursor (a re-drive), when a batch did not get the next value of Redis' publish
 * counter (Redis lost writes, or another instance published), and when the lead is given up.
 *
 * <p>Only the relay's own cycle uses it, one step at a time; the methods are synchronized all the
 * same, since steps may run on different threads.
 */
final class PublishedRun {
  /** An outbox position: the transaction id (as text) and row id of a row. */
  record Position(String txid, long id) {}

  /** A batch: the position it ended at and its last entry per stream. */
  private record Batch(Position end, Map<String, String> lastEntries) {}

  /**
   * Batches kept at most. While readers stay behind (a known reader without a group, for hours),
   * batches pile up: past this many, adjacent ones are merged in pairs, each pair standing for both
   * (the later end, each stream's later entry). A merged batch is acknowledged only once both
   * halves are, so merging costs only precision, in the oldest part first.
   */
  static final int MAX_BATCHES = 1_024;

  private final ArrayDeque<Batch> batches = new ArrayDeque<>();
  private Position at;
  private long lastSequence;

  /** Whether a batch read from {@code from} would continue the run (else it starts one). */
  synchronized boolean continuesFrom(Position from) {
    return at != null && at.equals(from);
  }

  /**
   * Starts a run with the batch read from {@code from} that got {@code sequence}: the entries
   * before it ({@code barrier}, the last entry of each known stream, none for an empty one) end at
   * {@code from}.
   */
  synchronized void start(
      Position from,
      Map<String, String> barrier,
      Position end,
      long sequence,
      Map<String, String> lastEntries) {
    batches.clear();
    batches.add(new Batch(from, barrier));
    batches.add(new Batch(end, lastEntries));
    at = end;
    lastSequence = sequence;
  }

  /**
   * Adds the next batch, whose pipelines got the counters {@code first} to {@code last}; breaks the
   * run instead when the first is not the one after the last batch's. Emits whether it was added.
   */
  synchronized boolean add(Position end, long first, long last, Map<String, String> lastEntries) {
    if (at == null || first != lastSequence + 1) {
      clear();
      return false;
    }
    if (batches.size() >= MAX_BATCHES) {
      mergePairs();
    }
    batches.add(new Batch(end, lastEntries));
    at = end;
    lastSequence = last;
    return true;
  }

  /** Merges adjacent batches in pairs, oldest first. */
  private void mergePairs() {
    ArrayDeque<Batch> merged = new ArrayDeque<>(batches.size() / 2 + 1);
    while (!batches.isEmpty()) {
      Batch first = batches.pollFirst();
      Batch second = batches.pollFirst();
      if (second == null) {
        merged.add(first);
      } else {
        Map<String, String> entries = new HashMap<>(first.lastEntries());
        entries.putAll(second.lastEntries()); // a stream's later entry: the higher id
        merged.add(new Batch(second.end(), entries));
      }
    }
    batches.addAll(merged);
  }

  /** Batches held (for tests). */
  synchronized int size() {
    return batches.size();
  }

  /** Breaks the run: the next batch starts another. */
  synchronized void clear() {
    batches.clear();
    at = null;
  }

  /** The publish counter of the last batch, valid while the run is not empty. */
  synchronized long lastSequence() {
    return lastSequence;
  }

  synchronized boolean isEmpty() {
    return at == null;
  }

  /** The streams whose entries the run waits to see acknowledged, in order. */
  synchronized List<String> streams() {
    Set<String> out = new TreeSet<>();
    batches.forEach(b -> out.addAll(b.lastEntries().keySet()));
    return List.copyOf(out);
  }

  /**
   * Takes the batches every reader has acknowledged, oldest first, and emits the position the last
   * of them ended at ({@code null}: none). {@code acknowledged} holds, per stream, what a script
   * read after the batch that got {@code sequence}, before the next; a different counter there
   * means Redis is not the one these batches went to, and nothing is taken.
   */
  synchronized Position acknowledged(long sequence, Map<String, Acknowledged> acknowledged) {
    if (at == null || sequence != lastSequence) {
      return null;
    }
    for (Acknowledged a : acknowledged.values()) {
      if (a.sequence() != sequence) {
        return null;
      }
    }
    Position through = null;
    // The last batch stays: the next batch continues from it, and it is where the run stands.
    while (batches.size() > 1 && covered(batches.peekFirst(), acknowledged)) {
      through = batches.pollFirst().end();
    }
    if (batches.size() == 1 && covered(batches.peekFirst(), acknowledged)) {
      through = batches.peekFirst().end();
    }
    return through;
  }

  private static boolean covered(Batch batch, Map<String, Acknowledged> acknowledged) {
    for (Map.Entry<String, String> last : batch.lastEntries().entrySet()) {
      Acknowledged a = acknowledged.get(last.getKey());
      Bound bound = a == null ? null : a.bound();
      if (bound == null || !bound.covers(last.getValue())) {
        return false;
      }
    }
    return true;
  }
}
