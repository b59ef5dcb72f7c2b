package io.paystream.shared.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonWriterTest {

  /** Vectors computed by Node: [input, JSON.stringify(JSON.parse(input))]. */
  static List<Arguments> nodeVectors() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (var in = JsonWriterTest.class.getResourceAsStream("/json-stringify-vectors.jsonl");
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        JsonNode pair = Json.parse(line);
        out.add(Arguments.of(pair.get(0).textValue(), pair.get(1).textValue()));
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("nodeVectors")
  void writesTheBytesJavaScriptWritesAfterParsing(String input, String expected) {
    JsonNode parsed = Json.parse(input.getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, new String(JsonWriter.toBytes(parsed), StandardCharsets.UTF_8));
  }

  @Test
  void ourOwnOutputIsAFixedPointOfTheRoundTrip() {
    String written =
        new JsonWriter()
            .beginObject()
            .name("note")
            .value("₹ 5/- \"paid\"\n")
            .name("amount")
            .value(50000)
            .name("rate")
            .value(66.66666666666667)
            .name("none")
            .nullValue()
            .endObject()
            .toString();
    assertEquals(
        "{\"note\":\"₹ 5/- \\\"paid\\\"\\n\",\"amount\":50000,\"rate\":66.66666666666667,\"none\":null}",
        written);
    assertEquals(
        written, new String(JsonWriter.toBytes(Json.parse(written)), StandardCharsets.UTF_8));
  }

  @Test
  void encodesSupplementaryCharactersAsFourUtf8Bytes() {
    byte[] bytes = new JsonWriter().value("😀").toBytes();
    assertEquals(6, bytes.length); // quote + F0 9F 98 80 + quote
    assertEquals((byte) 0xF0, bytes[1]);
  }

  @Test
  void aSlotIsTheOnlyRawControlCharacterInTheOutput() {
    String written =
        new JsonWriter()
            .beginObject()
            .name("text")
            .value("a\u0001b")
            .name("amount")
            .slot('\u0001')
            .name("n")
            .value(1)
            .endObject()
            .toString();
    assertEquals("{\"text\":\"a\\u0001b\",\"amount\":\u0001,\"n\":1}", written);
    assertEquals(written.indexOf('\u0001'), written.lastIndexOf('\u0001'));
    assertThrows(IllegalArgumentException.class, () -> new JsonWriter().slot('x'));
    assertThrows(IllegalArgumentException.class, () -> new JsonWriter().slot('\u0000'));
    assertThrows(IllegalArgumentException.class, () -> new JsonWriter().slot('\n'));
  }

  @Test
  void sortingWriterOrdersEveryObjectsKeys() {
    JsonNode node = Json.parse("{\"b\":{\"z\":1,\"a\":2},\"a\":[{\"d\":1,\"c\":2}],\"10\":0}");
    assertEquals(
        "{\"10\":0,\"a\":[{\"c\":2,\"d\":1}],\"b\":{\"a\":2,\"z\":1}}",
        JsonWriter.sortingKeys().value(node).toString());
  }
}
