package io.paystream.shared.idempotency;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecentKeysTest {
  private static final UUID M1 = UUID.randomUUID();
  private static final UUID M2 = UUID.randomUUID();

  @Test
  void remembersKeysPerMerchant() {
    RecentKeys recent = new RecentKeys(1024);
    assertFalse(recent.contains(M1, "a"));
    recent.add(M1, "a");
    assertTrue(recent.contains(M1, "a"));
    assertFalse(recent.contains(M2, "a"), "another merchant's key of the same name");
    assertFalse(recent.contains(M1, "b"));
  }

  @Test
  void aKeyIsPushedOutByAnotherInItsSlotAndNothingElseIsMistakenForIt() {
    RecentKeys one = new RecentKeys(1);
    one.add(M1, "a");
    one.add(M1, "b");
    assertTrue(one.contains(M1, "b"));
    assertFalse(one.contains(M1, "a"));

    RecentKeys many = new RecentKeys(1 << 14);
    for (int i = 0; i < 1000; i++) {
      many.add(M1, "key-" + i);
    }
    int kept = 0;
    for (int i = 0; i < 1000; i++) {
      kept += many.contains(M1, "key-" + i) ? 1 : 0;
      assertFalse(many.contains(M2, "key-" + i));
    }
    assertTrue(kept > 900, "1,000 keys in 16,384 slots mostly stay: " + kept);
  }

  @Test
  void theCapacityIsAPowerOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> new RecentKeys(1000));
    assertThrows(IllegalArgumentException.class, () -> new RecentKeys(0));
  }
}
