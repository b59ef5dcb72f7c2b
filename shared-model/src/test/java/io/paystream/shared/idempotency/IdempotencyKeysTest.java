package io.paystream.shared.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
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

  @Test
  void aKeyIsPrintableAsciiOnlyControlCharactersAndDelAreRefused() {
    StringBuilder printable = new StringBuilder();
    for (char c = 0x20; c <= 0x7E; c++) {
      printable.append(c);
    }
    String all = printable.toString();
    String longest = (all + all + all).substring(0, 255);
    assertEquals(longest, IdempotencyKeys.validate(longest));
    assertThrows(ApiException.class, () -> IdempotencyKeys.validate(longest + "k"));
    for (char c : new char[] {0x7F, 0x1F, 0x00, 0x0A, 0x80, 0xA0}) {
      ApiException e =
          assertThrows(
              ApiException.class,
              () -> IdempotencyKeys.validate("key" + c + "end"),
              "character " + (int) c);
      assertEquals(ErrorCode.BAD_REQUEST_ERROR, e.code());
      assertEquals(IdempotencyKeys.HEADER, e.field());
      assertEquals("Idempotency-Key must be 1 to 255 printable characters", e.description());
    }
  }
}
