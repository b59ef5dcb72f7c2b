package io.paystream.shared.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A whole-number setting is a whole number within its range, or the service does not start. */
class WholeNumberTest {
  private static final WholeNumber DELAY =
      new WholeNumber("TEST_PROCESSING_DELAY", "milliseconds", 0, 3_600_000) {};
  private static final WholeNumber PARALLEL =
      new WholeNumber("PASSWORD_CHECKS_PARALLEL", null, 1, Integer.MAX_VALUE) {};

  @Test
  void numbersWithinTheRangeAreRead() {
    assertEquals(0, DELAY.read("0"));
    assertEquals(300, DELAY.read(" 300 "));
    assertEquals(3_600_000, DELAY.read("3600000"));
    assertEquals(1, PARALLEL.read("1"));
    assertEquals(Integer.MAX_VALUE, PARALLEL.read(Integer.toString(Integer.MAX_VALUE)));
  }

  @Test
  void anythingElseIsRefusedNamingTheVariableTheValueAndTheRange() {
    for (String other : new String[] {"-5", "-1", "3600001", "5s", "1.5", "1e3", "abc", "0x10"}) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> DELAY.read(other), other);
      assertEquals(
          "TEST_PROCESSING_DELAY must be a whole number of milliseconds from 0 to 3600000, not \""
              + other
              + "\"",
          refused.getMessage());
    }
    for (String other : new String[] {"0", "-2", "2147483648", "two"}) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> PARALLEL.read(other), other);
      assertEquals(
          "PASSWORD_CHECKS_PARALLEL must be a whole number, at least 1, not \"" + other + "\"",
          refused.getMessage());
    }
  }
}
