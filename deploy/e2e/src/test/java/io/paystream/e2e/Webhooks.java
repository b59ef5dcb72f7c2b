package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A receiver registered as one of the test merchant's webhook endpoints, and checks on it. */
final class Webhooks implements AutoCloseable {
  final WebhookReceiver receiver;
  final String endpointId;
  private final Api api;

  private Webhooks(Api api, WebhookReceiver receiver, String endpointId) {
    this.api = api;
    this.receiver = receiver;
    this.endpointId = endpointId;
  }

  /** Starts a receiver with the merchant's current secret and registers it for every event. */
  static Webhooks register(Api api) throws IOException, InterruptedException {
    Api.Answer secret = api.get("/api/v1/webhook-secret");
    Api.expect(secret, 200);
    WebhookReceiver receiver = new WebhookReceiver(secret.text("secret"));
    Api.Answer endpoint =
        api.post("/api/v1/webhook-endpoints", "{\"url\":\"" + receiver.url() + "\"}");
    if (endpoint.status() != 201) {
      receiver.close();
      Api.expect(endpoint, 201);
    }
    return new Webhooks(api, receiver, endpoint.text("id"));
  }

  /**
   * The distinct event ids received for a resource ({@code payment} or {@code refund}) and type.
   */
  Set<String> eventIds(String resource, String id, String type) {
    Set<String> ids = new TreeSet<>();
    for (WebhookReceiver.Delivery d : receiver.deliveries()) {
      if (type.equals(d.event())
          && id.equals(d.json().path("data").path(resource).path("id").asText())) {
        ids.add(d.webhookId());
      }
    }
    return ids;
  }

  /** True when each of {@code types} was received for the resource. */
  boolean received(String resource, String id, String... types) {
    for (String type : types) {
      if (eventIds(resource, id, type).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every delivery verified with both signatures, and a retried delivery (the same webhook-id, seen
   * again after a crash between sending and recording) carried the very same bytes. Returns how
   * many such repeats there were.
   */
  int assertSignedAndRepeatsIdentical() {
    int repeats = 0;
    for (WebhookReceiver.Delivery d : receiver.deliveries()) {
      assertTrue(
          d.standardSignatureValid(), "webhook-signature of " + d.webhookId() + " " + d.event());
      assertTrue(
          d.hexSignatureValid(), "X-Webhook-Signature of " + d.webhookId() + " " + d.event());
    }
    for (Map.Entry<String, List<WebhookReceiver.Delivery>> e : receiver.byEventId().entrySet()) {
      List<WebhookReceiver.Delivery> same = e.getValue();
      for (WebhookReceiver.Delivery d : same) {
        assertEquals(
            same.get(0).body(), d.body(), "a repeat of " + e.getKey() + " changed its body");
      }
      repeats += same.size() - 1;
    }
    return repeats;
  }

  /** The delivery log entries (GET /api/v1/webhooks) of this endpoint for one event type. */
  List<JsonNode> logged(String event) throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    for (int offset = 0; ; offset += 100) {
      Api.Answer page = api.get("/api/v1/webhooks?limit=100&offset=" + offset + "&event=" + event);
      Api.expect(page, 200);
      for (JsonNode d : page.json().path("data")) {
        if (receiver.url().equals(d.path("endpoint_url").asText())) {
          out.add(d);
        }
      }
      if (offset + 100 >= page.json().path("total").asInt()) {
        return out;
      }
    }
  }

  /** Removes the endpoint and stops the receiver; an interrupt is kept on the thread. */
  @Override
  public void close() throws IOException {
    try {
      api.delete("/api/v1/webhook-endpoints/" + endpointId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      receiver.close();
    }
  }
}
