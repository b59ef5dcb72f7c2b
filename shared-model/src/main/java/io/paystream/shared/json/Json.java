package io.paystream.shared.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.shared.error.ApiException;
import java.io.IOException;
import java.util.Map;

/**
 * Reads JSON into trees. Request bodies go through {@link #parseRequest(byte[])}, which turns
 * anything malformed into a 400 in our own words (never parser text) and refuses U+0000 anywhere.
 */
public final class Json {
  /** A strict reader: no comments, no trailing tokens, no NaN; duplicate keys keep the last. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Parses a request body that must be one JSON object, with no U+0000 in any string. */
  public static ObjectNode parseRequest(byte[] body) {
    ObjectNode node = parseObject(body);
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      refuseNul(field.getKey(), field.getValue());
    }
    return node;
  }

  /**
   * Parses a request body that must be one JSON object, leaving U+0000 to the caller: one that
   * reports the first faulty field in an order of its own checks each field with {@link #refuseNul}
   * in that order.
   */
  public static ObjectNode parseObject(byte[] body) {
    if (body == null || body.length == 0) {
      throw ApiException.badRequest("Request body must be a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiException.badRequest("Request body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("Request body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /**
   * Refuses (400, naming {@code name}) a field whose name or value holds U+0000 anywhere; {@code
   * value} may be {@code null} (absent).
   */
  public static void refuseNul(String name, JsonNode value) {
    if (name.indexOf('\0') >= 0) {
      throw ApiException.badRequest("Strings must not contain U+0000");
    }
    if (value != null && containsNul(value)) {
      throw ApiException.badRequest("Strings must not contain U+0000", name);
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

  private static boolean containsNul(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue().indexOf('\0') >= 0;
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getKey().indexOf('\0') >= 0 || containsNul(e.getValue())) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        if (containsNul(item)) {
          return true;
        }
      }
    }
    return false;
  }
}
