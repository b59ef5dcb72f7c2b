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
  void readsAnyIntegerASignOrLeadingZerosAndSpacesAround() {
    assertEquals(new Page(5, 10), Page.of("+5", "010"));
    assertEquals(new Page(5, 0), Page.of("00000000000000000005", "-0"));
    assertEquals(new Page(7, 3), Page.of(" 7 ", "3"));
    assertEquals(new Page(10, 9_999_999_999L), Page.of(null, "9999999999"));
    // Past the end of any list, whatever its size: not a refusal.
    assertEquals(new Page(10, Page.MAX_OFFSET), Page.of(null, "99999999999999999999"));
    assertEquals(new Page(10, Page.MAX_OFFSET), Page.of(null, "9223372036854775807"));
    assertEquals(new Page(10, Page.MAX_OFFSET), Page.of(null, "9007199254740993"));
    assertEquals(new Page(10, Page.MAX_OFFSET), Page.of(null, "9007199254740991"));
  }

  @Test
  void theEnvelopeEchoesTheLargestOffsetExactly() {
    String body =
        new String(
            Page.of(null, "9223372036854775807").envelope(List.of(), 0, (i, w) -> {}),
            StandardCharsets.UTF_8);
    assertEquals("{\"data\":[],\"total\":0,\"limit\":10,\"offset\":9007199254740991}", body);
  }

  @Test
  void refusesOutOfRangeAndNonNumbers() {
    assertEquals("limit", assertThrows(ApiException.class, () -> Page.of("0", null)).field());
    assertEquals("limit", assertThrows(ApiException.class, () -> Page.of("101", null)).field());
    assertEquals("limit", assertThrows(ApiException.class, () -> Page.of("ten", null)).field());
    assertEquals("limit", assertThrows(ApiException.class, () -> Page.of("1.5", null)).field());
    assertEquals("offset", assertThrows(ApiException.class, () -> Page.of(null, "-1")).field());
    assertEquals("offset", assertThrows(ApiException.class, () -> Page.of(null, "")).field());
    assertEquals(
        "limit",
        assertThrows(ApiException.class, () -> Page.of("99999999999999999999", null)).field());
    assertEquals("offset", assertThrows(ApiException.class, () -> Page.of(null, "-99")).field());
    // Control characters are not spaces: U+0000 and a line break make the value not a number.
    for (String bad : List.of("5\0", "\n5", "5\t", "\u00005", "1e2", "\uff15", "+", "--1")) {
      assertEquals(
          "limit", assertThrows(ApiException.class, () -> Page.of(bad, null)).field(), bad);
    }
  }

  @Test
  void writesTheListEnvelope() {
    byte[] body = new Page(2, 4).envelope(List.of("a", "b"), 7, (s, w) -> w.value(s));
    assertEquals(
        "{\"data\":[\"a\",\"b\"],\"total\":7,\"limit\":2,\"offset\":4}",
        new String(body, StandardCharsets.UTF_8));
  }
}
