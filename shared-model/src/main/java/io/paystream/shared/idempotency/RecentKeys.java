package io.paystream.shared.idempotency;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keys this instance has lately seen used: a hint, never a source of truth. A request whose key is
 * here is most likely a retry, which a claim answers from what the key holds at less cost than a
 * statement that would also make the change. Direct-mapped and bounded: a key may be pushed out by
 * another that maps to its slot, which only costs the retry the other way round.
 */
final class RecentKeys {
  private record Entry(UUID merchantId, String key) {}

  private final AtomicReferenceArray<Entry> slots;
  private final int mask;

  /** Holds at most {@code capacity} keys; {@code capacity} is a power of two. */
  RecentKeys(int capacity) {
    if (capacity < 1 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    this.slots = new AtomicReferenceArray<>(capacity);
    this.mask = capacity - 1;
  }

  void add(UUID merchantId, String key) {
    slots.set(slot(merchantId, key), new Entry(merchantId, key));
  }

  boolean contains(UUID merchantId, String key) {
    Entry e = slots.get(slot(merchantId, key));
    return e != null && e.key().equals(key) && e.merchantId().equals(merchantId);
  }

  private int slot(UUID merchantId, String key) {
    int h = merchantId.hashCode() * 31 + key.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }
}
