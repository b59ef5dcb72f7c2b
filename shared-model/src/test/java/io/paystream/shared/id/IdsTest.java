package io.paystream.shared.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void idsArePrefixPlusSixteenAlphanumerics() {
    assertTrue(Ids.order().matches("order_[A-Za-z0-9]{16}"));
    assertTrue(Ids.payment().matches("pay_[A-Za-z0-9]{16}"));
    assertTrue(Ids.refund().matches("rfnd_[A-Za-z0-9]{16}"));
    assertTrue(Ids.event().matches("evt_[A-Za-z0-9]{16}"));
  }

  @Test
  void idsDoNotRepeatAndUseTheWholeAlphabet() {
    Set<String> seen = new HashSet<>();
    Set<Character> chars = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = Ids.random(16);
      assertTrue(seen.add(id));
      id.chars().forEach(c -> chars.add((char) c));
    }
    assertEquals(62, chars.size());
  }

  @Test
  void recognisesShapes() {
    assertTrue(Ids.looksLike(Ids.PAYMENT, "pay_abcdefghijklmnop"));
    assertFalse(Ids.looksLike(Ids.PAYMENT, "pay_abcdefghijklmno"));
    assertFalse(Ids.looksLike(Ids.PAYMENT, "order_abcdefghijklmn"));
    assertFalse(Ids.looksLike(Ids.PAYMENT, "pay_abcdefghijklm-p"));
    assertNull(Ids.uuidOrNull("not-a-uuid"));
    assertEquals(
        "550e8400-e29b-41d4-a716-446655440000",
        Ids.uuidOrNull("550e8400-e29b-41d4-a716-446655440000").toString());
  }
}
