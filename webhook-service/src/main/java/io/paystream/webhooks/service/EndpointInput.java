package io.paystream.webhooks.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.EventType;
import io.paystream.webhooks.delivery.TargetGuard;
import java.util.ArrayList;
import java.util.List;

/**
 * An endpoint's fields as a request gives them, checked in the order url, events, enabled.
 *
 * @param url the URL, or {@code null} when a partial update leaves it (an update cannot remove it:
 *     {@code "url": null} there is refused, as is {@code "enabled": null}; {@code "events": null}
 *     means every event)
 * @param eventsGiven whether the request names the events ({@code null} meaning every event)
 * @param events the events, or {@code null} for every event
 * @param enabled whether it receives deliveries, or {@code null} when not given
 */
record EndpointInput(String url, boolean eventsGiven, List<String> events, Boolean enabled) {

  /** Reads a create ({@code partial} false: url required) or partial update request. */
  static EndpointInput parse(ObjectNode body, boolean partial) {
    String url = url(body.get("url"), partial);
    JsonNode e = body.get("events");
    List<String> events = e == null || e.isNull() ? null : events(e);
    JsonNode en = body.get("enabled");
    Boolean enabled = null;
    // null in an update would remove the field; an endpoint is always on or off.
    if (en != null && (partial || !en.isNull())) {
      if (!en.isBoolean()) {
        throw ApiException.badRequest("enabled must be true or false", "enabled");
      }
      enabled = en.booleanValue();
    }
    return new EndpointInput(url, e != null, events, enabled);
  }

  private static String url(JsonNode u, boolean partial) {
    if (u == null && partial) {
      return null;
    }
    if (u == null || u.isNull() && !partial) {
      throw ApiException.badRequest("url is required", "url");
    }
    if (!u.isTextual() || u.textValue().isBlank()) {
      throw ApiException.badRequest("url must be a non-empty string", "url");
    }
    String url = u.textValue().trim();
    try {
      TargetGuard.parse(url);
    } catch (TargetGuard.Refused r) {
      throw ApiException.badRequest(r.getMessage(), "url");
    }
    return url;
  }

  private static List<String> events(JsonNode e) {
    if (!e.isArray() || e.isEmpty()) {
      throw ApiException.badRequest("events must be a non-empty array of event names", "events");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : e) {
      if (!item.isTextual()) {
        throw ApiException.badRequest("events must be a non-empty array of event names", "events");
      }
      String name = item.textValue();
      EventType type = EventType.fromWireName(name);
      if (type == null || !type.isWebhookEvent()) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        throw ApiException.badRequest("unknown event: " + shown, "events");
      }
      if (!out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }
}
