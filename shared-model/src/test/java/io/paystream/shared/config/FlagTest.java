package io.paystream.shared.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A true-or-false setting is true or false, spelt so in any case; nothing else is guessed at. */
class FlagTest {
  private static final Flag TEST_MODE = new Flag("TEST_MODE") {};

  @Test
  void trueAndFalseInAnyCaseAreRead() {
    for (String yes : new String[] {"true", "TRUE", "True", " true\n"}) {
      assertEquals(Boolean.TRUE, TEST_MODE.convert(yes), yes);
    }
    for (String no : new String[] {"false", "FALSE", "False", "false "}) {
      assertEquals(Boolean.FALSE, TEST_MODE.convert(no), no);
    }
  }

  @Test
  void anythingElseIsRefusedNamingTheVariableAndTheValue() {
    for (String other :
        new String[] {"maybe", "ture", "fasle", "1", "0", "yes", "no", "on", "off", "y", "t"}) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> TEST_MODE.convert(other), other);
      assertEquals(
          "TEST_MODE must be true or false (in any case), not \"" + other + "\"",
          refused.getMessage());
    }
  }
}
