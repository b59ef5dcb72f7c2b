package io.paystream.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageTest {
  @Test
  void defaultsAndBounds() {
    assertEquals(new Page(10, 0), Page.of(null, null));
    assertEquals(new Page(100, 5), Page.of("100", "5"));
    assertEquals(new Page(1, 0), Page.of("1", "0"));
  }

  @Test
  void refusesOutOfRangeAndNonNumbers() {
    assertEquals("limit", assertThrows(ApiException.class, () -> Page.of("0", null)).field());
    assertEquals("limit", assertThrows(ApiException.class, () -> Page.of("101", null)).field());
    assertEquals("limit", assertThrows(ApiException.class, () -> Page.of("ten", null)).field());
    assertEquals("limit", assertThrows(ApiException.class, () -> Page.of("1.5", null)).field());
    assertEquals("offset", assertThrows(ApiException.class, () -> Page.of(null, "-1")).field());
    assertEquals("offset", assertThrows(ApiException.class, () -> Page.of(null, "")).field());
  }

  @Test
  void writesTheListEnvelope() {
    byte[] body = new Page(2, 4).envelope(List.of("a", "b"), 7, (s, w) -> w.value(s));
    assertEquals(
        "{\"data\":[\"a\",\"b\"],\"total\":7,\"limit\":2,\"offset\":4}",
        new String(body, StandardCharsets.UTF_8));
  }
}
