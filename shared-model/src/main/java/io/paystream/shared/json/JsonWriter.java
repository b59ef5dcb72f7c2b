package io.paystream.shared.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes compact JSON bytes identical to what JavaScript's {@code JSON.stringify} produces for the
 * same value: no whitespace, JavaScript string escapes and number formatting, and JavaScript's
 * property order (array-index keys first, ascending) for objects given as trees.
 *
 * <pre>{@code
 * byte[] body = new JsonWriter().beginObject().name("id").value("pay_1").endObject().toBytes();
 * }</pre>
 *
 * <p>Not thread-safe; one writer per document.
 */
public final class JsonWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] buf;
  private int len;
  private boolean needComma;
  private final boolean sortKeys;

  /** A writer in JavaScript property order. */
  public JsonWriter() {
    this(256, false);
  }

  private JsonWriter(int capacity, boolean sortKeys) {
    this.buf = new byte[capacity];
    this.sortKeys = sortKeys;
  }

  /** A writer that sorts every object's keys, for fingerprints where key order must not matter. */
  public static JsonWriter sortingKeys() {
    return new JsonWriter(256, true);
  }

  /** The compact, canonical bytes of a tree. */
  public static byte[] toBytes(JsonNode node) {
    return new JsonWriter().value(node).toBytes();
  }

  public JsonWriter beginObject() {
    separate();
    put((byte) '{');
    needComma = false;
    return this;
  }

  public JsonWriter endObject() {
    put((byte) '}');
    needComma = true;
    return this;
  }

  public JsonWriter beginArray() {
    separate();
    put((byte) '[');
    needComma = false;
    return this;
  }

  public JsonWriter endArray() {
    put((byte) ']');
    needComma = true;
    return this;
  }

  /** Writes a property name; the next call writes its value. */
  public JsonWriter name(String name) {
    separate();
    writeString(name);
    put((byte) ':');
    needComma = false;
    return this;
  }

  /** A string, or {@code null}. */
  public JsonWriter value(String value) {
    separate();
    if (value == null) {
      putAscii("null");
    } else {
      writeString(value);
    }
    needComma = true;
    return this;
  }

  public JsonWriter value(long value) {
    return raw(JsNumber.format(value));
  }

  /** A number, or {@code null}. */
  public JsonWriter value(Long value) {
    return value == null ? nullValue() : value(value.longValue());
  }

  public JsonWriter value(double value) {
    return raw(JsNumber.format(value));
  }

  public JsonWriter value(boolean value) {
    return raw(value ? "true" : "false");
  }

  public JsonWriter nullValue() {
    return raw("null");
  }

  /** Embeds JSON that is already compact and canonical (e.g. stored by this writer). */
  public JsonWriter rawJson(String json) {
    separate();
    for (byte b : json.getBytes(StandardCharsets.UTF_8)) {
      put(b);
    }
    needComma = true;
    return this;
  }

  /**
   * Writes a placeholder value for a statement to replace: the control character {@code marker}
   * (U+0001 to U+0008), written raw. No other value can contain one raw (strings escape every
   * control character), so whatever replaces it later is the only thing that is replaced.
   */
  public JsonWriter slot(char marker) {
    if (marker < 0x01 || marker > 0x08) {
      throw new IllegalArgumentException("a slot is one of U+0001 to U+0008");
    }
    separate();
    put((byte) marker);
    needComma = true;
    return this;
  }

  /** Writes a whole tree; {@code null} (or a missing node) is written as JSON {@code null}. */
  public JsonWriter value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return nullValue();
    }
    if (node.isObject()) {
      beginObject();
      for (Map.Entry<String, JsonNode> field : orderedFields(node)) {
        name(field.getKey()).value(field.getValue());
      }
      return endObject();
    }
    if (node.isArray()) {
      beginArray();
      for (JsonNode item : node) {
        value(item);
      }
      return endArray();
    }
    if (node.isTextual()) {
      return value(node.textValue());
    }
    if (node.isBoolean()) {
      return value(node.booleanValue());
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return value(node.longValue());
    }
    if (node.isNumber()) {
      return value(node.doubleValue());
    }
    throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
  }

  /** How many bytes (UTF-8) have been written so far. */
  public int length() {
    return len;
  }

  /** The bytes written so far. */
  public byte[] toBytes() {
    return Arrays.copyOf(buf, len);
  }

  @Override
  public String toString() {
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }

  private List<Map.Entry<String, JsonNode>> orderedFields(JsonNode node) {
    List<Map.Entry<String, JsonNode>> indexKeys = new ArrayList<>();
    List<Map.Entry<String, JsonNode>> otherKeys = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      (sortKeys || arrayIndex(field.getKey()) < 0 ? otherKeys : indexKeys).add(field);
    }
    if (sortKeys) {
      otherKeys.sort(Map.Entry.comparingByKey());
      return otherKeys;
    }
    indexKeys.sort((a, b) -> Long.compare(arrayIndex(a.getKey()), arrayIndex(b.getKey())));
    indexKeys.addAll(otherKeys);
    return indexKeys;
  }

  /** The key's value when JavaScript treats it as an array index (ordered first), else -1. */
  static long arrayIndex(String key) {
    int n = key.length();
    if (n == 0 || n > 10 || (n > 1 && key.charAt(0) == '0')) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= 4294967294L ? v : -1;
  }

  private JsonWriter raw(String ascii) {
    separate();
    putAscii(ascii);
    needComma = true;
    return this;
  }

  private void separate() {
    if (needComma) {
      put((byte) ',');
      needComma = false;
    }
  }

  private void writeString(String s) {
    put((byte) '"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        writeAsciiChar(c);
      } else if (c < 0x800) {
        put((byte) (0xC0 | (c >> 6)));
        put((byte) (0x80 | (c & 0x3F)));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        put((byte) (0xF0 | (cp >> 18)));
        put((byte) (0x80 | ((cp >> 12) & 0x3F)));
        put((byte) (0x80 | ((cp >> 6) & 0x3F)));
        put((byte) (0x80 | (cp & 0x3F)));
      } else if (Character.isSurrogate(c)) {
        unicodeEscape(c); // a lone surrogate, as well-formed JSON.stringify writes it
      } else {
        put((byte) (0xE0 | (c >> 12)));
        put((byte) (0x80 | ((c >> 6) & 0x3F)));
        put((byte) (0x80 | (c & 0x3F)));
      }
    }
    put((byte) '"');
  }

  private void writeAsciiChar(char c) {
    switch (c) {
      case '"' -> putAscii("\\\"");
      case '\\' -> putAscii("\\\\");
      case '\b' -> putAscii("\\b");
      case '\f' -> putAscii("\\f");
      case '\n' -> putAscii("\\n");
      case '\r' -> putAscii("\\r");
      case '\t' -> putAscii("\\t");
      default -> {
        if (c < 0x20) {
          unicodeEscape(c);
        } else {
          put((byte) c);
        }
      }
    }
  }

  private void unicodeEscape(char c) {
    putAscii("\\u");
    put(HEX[(c >> 12) & 0xF]);
    put(HEX[(c >> 8) & 0xF]);
    put(HEX[(c >> 4) & 0xF]);
    put(HEX[c & 0xF]);
  }

  private void putAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      put((byte) s.charAt(i));
    }
  }

  private void put(byte b) {
    if (len == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    buf[len++] = b;
  }
}
