package io.paystream.shared.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.error.ApiException;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  @Test
  void acceptsPrintableKeysUpTo255() {
    assertNull(IdempotencyKeys.validate(null));
    assertEquals("k", IdempotencyKeys.validate("k"));
    assertEquals("a".repeat(255), IdempotencyKeys.validate("a".repeat(255)));
    assertThrows(ApiException.class, () -> IdempotencyKeys.validate(""));
    assertThrows(ApiException.class, () -> IdempotencyKeys.validate("a".repeat(256)));
    assertThrows(ApiException.class, () -> IdempotencyKeys.validate("tab\tkey"));
    assertThrows(ApiException.class, () -> IdempotencyKeys.validate("ключ"));
  }
}
