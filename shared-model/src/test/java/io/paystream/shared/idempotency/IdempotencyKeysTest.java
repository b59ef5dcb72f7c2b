package io.paystream.shared.idempotency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.json.Json;
import java.util.Arrays;
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
  void fingerprintIgnoresKeyOrderAndSpacingButNotValuesOrPath() {
    byte[] a = IdempotencyKeys.fingerprint("POST", "/p", Json.parse("{\"a\":1,\"b\":{\"c\":2}}"));
    byte[] b =
        IdempotencyKeys.fingerprint("POST", "/p", Json.parse("{ \"b\": {\"c\":2}, \"a\": 1 }"));
    byte[] c = IdempotencyKeys.fingerprint("POST", "/p", Json.parse("{\"a\":2,\"b\":{\"c\":2}}"));
    byte[] d = IdempotencyKeys.fingerprint("POST", "/q", Json.parse("{\"a\":1,\"b\":{\"c\":2}}"));
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    assertFalse(Arrays.equals(a, d));
  }
}
