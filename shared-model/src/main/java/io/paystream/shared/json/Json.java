package io.paystream.shared.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.shared.error.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads JSON into trees. Request bodies go through {@link #parseRequest(byte[])}, which turns
 * anything malformed into a 400 in our own words (never parser text) and refuses U+0000 and lone
 * surrogates anywhere.
 */
public final class Json {
  /** A strict reader: no comments, no trailing tokens, no NaN; duplicate keys keep the last. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Valid JSON that the reader's limits (Jackson's {@code StreamReadConstraints}) refuse. */
  static final String BEYOND_LIMITS =
      "Request body is beyond what the API reads: arrays and objects nested more than 1000 deep, a"
          + " number of more than 1000 digits, or a field name of more than 50000 characters";

  /** The most a request body may hold: 1 MB. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private static final String NUL = "Strings must not contain U+0000";
  private static final String LONE_SURROGATE =
      "Strings must not contain an unpaired UTF-16 surrogate";

  private Json() {}

  /** Parses a request body that must be one JSON object, every string of it storable text. */
  public static ObjectNode parseRequest(byte[] body) {
    ObjectNode node = parseObject(body);
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      refuseUnstorable(field.getKey(), field.getValue());
    }
    return node;
  }

  /**
   * Checks the body of a request that needs none: none at all (or only whitespace), or one JSON
   * object, its fields ignored as unknown fields are, every string of it storable text. Anything
   * else is refused (400) like any request body, before the request changes anything.
   */
  public static void refuseUnlessEmptyOrObject(byte[] body) {
    refuseOversized(body);
    if (body == null || isBlank(body)) {
      return;
    }
    parseRequest(body);
  }

  /**
   * A body over {@link #MAX_BODY_BYTES} (413): one sent in chunks, which nothing could refuse by
   * its announced length before it was read.
   */
  private static void refuseOversized(byte[] body) {
    if (body != null && body.length > MAX_BODY_BYTES) {
      throw ApiException.bodyTooLarge();
    }
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses a request body that must be one JSON object, leaving the strings' contents to the
   * caller: one that reports the first faulty field in an order of its own checks each field with
   * {@link #refuseUnstorable} in that order.
   */
  public static ObjectNode parseObject(byte[] body) {
    refuseOversized(body);
    if (body == null || body.length == 0) {
      throw ApiException.badRequest("Request body must be a JSON object");
    }
    if (!isUtf8(body)) {
      throw ApiException.badRequest("Request body is not valid UTF-8");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (StreamConstraintsException e) {
      throw ApiException.badRequest(BEYOND_LIMITS);
    } catch (IOException e) {
      node = readDecoded(body);
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("Request body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /**
   * Parses, from its text, a body that Jackson refused as bytes: its byte reader refuses a field
   * name that holds half of a surrogate pair ({@code "\ud800"}), valid JSON that the checks of the
   * fields then refuse in our own words, naming the field. Only refused bodies come here.
   */
  private static JsonNode readDecoded(byte[] body) {
    try {
      return MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
    } catch (StreamConstraintsException e) {
      throw ApiException.badRequest(BEYOND_LIMITS);
    } catch (IOException e) {
      throw ApiException.badRequest("Request body is not valid JSON");
    }
  }

  /**
   * How many characters {@code text} holds, as a person counts them and as PostgreSQL's {@code
   * char_length} does: code points, so an emoji (two UTF-16 units) is one.
   */
  public static int characters(String text) {
    return text.codePointCount(0, text.length());
  }

  /**
   * Whether {@code bytes} are well-formed UTF-8 (RFC 3629) JSON text: the parser alone would decode
   * an overlong form ({@code C0 AF} for {@code /}) into the character it spells, and a surrogate's
   * or a code point's beyond U+10FFFF into half a pair; and it would read a body with NUL bytes
   * (which JSON text in UTF-8 never has) as UTF-16 or UTF-32.
   */
  static boolean isUtf8(byte[] bytes) {
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        if (b == 0) {
          return false; // never in UTF-8 JSON text: UTF-16 or UTF-32
        }
        i++;
        continue;
      }
      int more;
      int min = 0x80; // the allowed range of the first continuation byte
      int max = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        more = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        more = 2;
        if (b == 0xE0) {
          min = 0xA0; // overlong below U+0800
        } else if (b == 0xED) {
          max = 0x9F; // U+D800–U+DFFF, surrogates
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        more = 3;
        if (b == 0xF0) {
          min = 0x90; // overlong below U+10000
        } else if (b == 0xF4) {
          max = 0x8F; // beyond U+10FFFF
        }
      } else {
        return false; // a continuation byte first, C0/C1 (overlong), or F5–FF
      }
      if (i + more >= n) {
        return false; // cut short
      }
      int first = bytes[i + 1] & 0xFF;
      if (first < min || first > max) {
        return false;
      }
      for (int k = 2; k <= more; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += more + 1;
    }
    return true;
  }

  /**
   * Refuses (400, naming {@code name}) a field whose name or value holds, anywhere, U+0000 or half
   * of a surrogate pair without its other half; {@code value} may be {@code null} (absent).
   */
  public static void refuseUnstorable(String name, JsonNode value) {
    String f = fault(name);
    if (f != null) {
      throw ApiException.badRequest(f);
    }
    f = value == null ? null : fault(value);
    if (f != null) {
      throw ApiException.badRequest(f, name);
    }
  }

  /** Parses JSON we wrote ourselves (events, stored payloads); malformed input is a bug. */
  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON", e);
    }
  }

  /** Parses JSON we wrote ourselves. */
  public static JsonNode parse(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON", e);
    }
  }

  /** The text of a field, or {@code null} when it is missing or JSON {@code null}. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** What makes {@code node} unstorable as text, or {@code null}. */
  private static String fault(JsonNode node) {
    if (node.isTextual()) {
      return fault(node.textValue());
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String f = fault(e.getKey());
        if (f == null) {
          f = fault(e.getValue());
        }
        if (f != null) {
          return f;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        String f = fault(item);
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  /**
   * U+0000, which PostgreSQL text cannot hold, or half of a surrogate pair ({@code "\ud800"}
   * alone), which is no character at all and would be stored as {@code ?}.
   */
  private static String fault(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\0') {
        return NUL;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return LONE_SURROGATE;
      }
    }
    return null;
  }
}
