package io.paystream.shared.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import java.nio.charset.StandardCharsets;
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
  void refusesInvalidUtf8() {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
    assertThrows(ApiException.class, () -> Json.parseRequest(body));
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
}
