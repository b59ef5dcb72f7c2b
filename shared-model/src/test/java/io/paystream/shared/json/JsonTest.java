package io.paystream.shared.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "{\"a\":1} x",
        "{'a':1}",
        "{\"a\":NaN}",
        "[1]",
        "\"s\"",
        "null",
        "{\"a\":1,}"
      })
  void refusesAnythingButOneWellFormedObject(String body) {
    ApiException e =
        assertThrows(
            ApiException.class, () -> Json.parseRequest(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(ErrorCode.BAD_REQUEST_ERROR, e.code());
    assertTrue(e.description().startsWith("Request body"), e.description());
  }

  @Test
  void validJsonBeyondTheReadersLimitsIsRefusedAsSuchNotAsMalformed() {
    for (String body :
        List.of(
            "{\"amount\":50000,\"unknown\":" + "[".repeat(1000) + "]".repeat(1000) + "}",
            "{\"amount\":" + "9".repeat(1001) + "}",
            "{\"" + "a".repeat(50_001) + "\":1}")) {
      ApiException e =
          assertThrows(
              ApiException.class, () -> Json.parseRequest(body.getBytes(StandardCharsets.UTF_8)));
      assertEquals(
          "Request body is beyond what the API reads: arrays and objects nested more than 1000"
              + " deep, a number of more than 1000 digits, or a field name of more than 50000"
              + " characters",
          e.description());
    }
    // Within the limits, the same shapes are read.
    ObjectNode read =
        Json.parseRequest(
            ("{\"unknown\":"
                    + "[".repeat(999)
                    + "]".repeat(999)
                    + ",\"n\":"
                    + "9".repeat(1000)
                    + ",\""
                    + "a".repeat(50_000)
                    + "\":1}")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals("9".repeat(1000), read.get("n").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " \r\n\t", "{}", "{\"unknown\":[1,{\"x\":null}]}"})
  void aRequestThatNeedsNoBodyTakesNoneOrAnObject(String body) {
    Json.refuseUnlessEmptyOrObject(body.getBytes(StandardCharsets.UTF_8));
    Json.refuseUnlessEmptyOrObject(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1]", "null", "\"s\"", "{\"x\":\"\\u0000\"}", " x"})
  void aRequestThatNeedsNoBodyRefusesAnyOtherBody(String body) {
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> Json.refuseUnlessEmptyOrObject(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(ErrorCode.BAD_REQUEST_ERROR, e.code());
  }

  @Test
  void refusesNulInAnyStringAndNamesTheTopField() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                Json.parseRequest(
                    "{\"a\":1,\"notes\":{\"k\":[\"x\\u0000\"]}}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("notes", e.field());
    assertThrows(
        ApiException.class,
        () -> Json.parseRequest("{\"a\\u0000\":1}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void refusesNulInANestedKeyAndNamesTheTopField() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                Json.parseRequest(
                    "{\"amount\":100,\"notes\":{\"a\\u0000\":\"x\"}}"
                        .getBytes(StandardCharsets.UTF_8)));
    assertEquals(ErrorCode.BAD_REQUEST_ERROR, e.code());
    assertEquals("notes", e.field());
    assertEquals("Strings must not contain U+0000", e.description());
    ApiException deeper =
        assertThrows(
            ApiException.class,
            () ->
                Json.parseRequest(
                    "{\"x\":[{\"y\":{\"\\u0000\":null}}]}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("x", deeper.field());
  }

  @Test
  void refusesInvalidUtf8() {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
    assertThrows(ApiException.class, () -> Json.parseRequest(body));
  }

  @Test
  void refusesEveryMalformedUtf8FormTheParserWouldDecode() {
    int[][] malformed = {
      {0xC1, 0x81}, // overlong "A"
      {0xC0, 0xAF}, // overlong "/"
      {0xC0, 0x80}, // overlong U+0000
      {0xE0, 0x80, 0xAF}, // overlong "/" in three bytes
      {0xF0, 0x80, 0x80, 0xAF}, // and in four
      {0xED, 0xA0, 0x80}, // U+D800, a surrogate
      {0xF4, 0x90, 0x80, 0x80}, // U+110000, beyond Unicode
      {0xF5, 0x80, 0x80, 0x80},
      {0x80}, // a continuation byte alone
      {0xE2, 0x82}, // cut short
      {0xE2, 0x28, 0xA1}, // a continuation byte missing
    };
    for (int[] bad : malformed) {
      ApiException e =
          assertThrows(ApiException.class, () -> Json.parseRequest(body(bad)), hex(bad));
      assertEquals("Request body is not valid UTF-8", e.description(), hex(bad));
    }
    // A body in UTF-16 (which the parser would detect and read) is not UTF-8.
    ApiException utf16 =
        assertThrows(
            ApiException.class,
            () -> Json.parseRequest("{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_16LE)));
    assertEquals("Request body is not valid UTF-8", utf16.description());
    // Sequences cut short by the end of the body.
    for (int[] end : new int[][] {{'{', 0xC3}, {'{', 0xE2, 0x82}, {'{', 0xF0, 0x9F, 0x98}}) {
      assertFalse(Json.isUtf8(bytes(end)), hex(end));
    }
    assertTrue(Json.isUtf8(bytes(new int[] {'{', 0xF0, 0x9F, 0x98, 0x80})));
    // The edges of what is well formed all pass: U+0080, U+07FF, U+0800, U+D7FF, U+E000,
    // U+FFFF, U+10000 and U+10FFFF.
    int[][] wellFormed = {
      {0xC2, 0x80}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xED, 0x9F, 0xBF},
      {0xEE, 0x80, 0x80}, {0xEF, 0xBF, 0xBF}, {0xF0, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF},
    };
    for (int[] good : wellFormed) {
      String expected = new String(bytes(good), StandardCharsets.UTF_8);
      assertEquals(expected, Json.parseRequest(body(good)).get("a").textValue(), hex(good));
    }
  }

  /** {@code {"a":"<bytes>"}}. */
  private static byte[] body(int[] inner) {
    byte[] open = "{\"a\":\"".getBytes(StandardCharsets.US_ASCII);
    byte[] middle = bytes(inner);
    byte[] out = new byte[open.length + middle.length + 2];
    System.arraycopy(open, 0, out, 0, open.length);
    System.arraycopy(middle, 0, out, open.length, middle.length);
    out[out.length - 2] = '"';
    out[out.length - 1] = '}';
    return out;
  }

  private static byte[] bytes(int[] values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static String hex(int[] values) {
    return java.util.HexFormat.of().formatHex(bytes(values));
  }

  @Test
  void refusesHalfASurrogatePairAloneButKeepsWholePairs() {
    for (String body :
        new String[] {
          "{\"notes\":{\"k\":\"a\\ud800\"}}",
          "{\"notes\":{\"k\":\"\\udc00b\"}}",
          "{\"notes\":{\"k\":[\"\\ud83d\\ud83d\"]}}"
        }) {
      ApiException e =
          assertThrows(
              ApiException.class,
              () -> Json.parseRequest(body.getBytes(StandardCharsets.UTF_8)),
              body);
      assertEquals("notes", e.field(), body);
      assertEquals("Strings must not contain an unpaired UTF-16 surrogate", e.description());
    }
    String pair = "{\"notes\":{\"k\":\"\\ud83d\\ude00 \uD83D\uDE00\"}}";
    assertEquals(
        "\uD83D\uDE00 \uD83D\uDE00",
        Json.parseRequest(pair.getBytes(StandardCharsets.UTF_8)).path("notes").path("k").asText());
  }

  @Test
  void halfASurrogatePairInAFieldNameIsRefusedAsSuchNotAsJsonThatIsNotValid() {
    ApiException nested =
        assertThrows(
            ApiException.class,
            () ->
                Json.parseRequest(
                    "{\"amount\":100,\"notes\":{\"\\udc00\":\"x\"}}"
                        .getBytes(StandardCharsets.UTF_8)));
    assertEquals("notes", nested.field());
    assertEquals("Strings must not contain an unpaired UTF-16 surrogate", nested.description());
    ApiException top =
        assertThrows(
            ApiException.class,
            () -> Json.parseRequest("{\"x\\ud800\":1}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("Strings must not contain an unpaired UTF-16 surrogate", top.description());
    ApiException broken =
        assertThrows(
            ApiException.class,
            () -> Json.parseRequest("{\"\\udc00\":}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("Request body is not valid JSON", broken.description());
  }
}
