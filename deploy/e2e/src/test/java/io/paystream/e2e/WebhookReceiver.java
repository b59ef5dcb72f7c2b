package io.paystream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A merchant's webhook endpoint on this machine: records every delivery and checks both signatures
 * the way a merchant would — {@code webhook-signature} with the stock Standard Webhooks library,
 * {@code X-Webhook-Signature} as a hex HMAC-SHA256 of the exact body.
 */
final class WebhookReceiver implements AutoCloseable {
  private static final Pattern CANONICAL_BASE64 =
      Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

  /** One request the endpoint got. */
  record Delivery(
      String webhookId,
      String event,
      String body,
      JsonNode json,
      boolean standardSignatureValid,
      boolean hexSignatureValid) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private volatile String secret;

  WebhookReceiver(String secret) throws IOException {
    this.secret = secret;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks";
  }

  void secret(String secret) {
    this.secret = secret;
  }

  List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** Deliveries by event id (the {@code webhook-id} header, the same on every retry). */
  Map<String, List<Delivery>> byEventId() {
    Map<String, List<Delivery>> m = new HashMap<>();
    for (Delivery d : deliveries) {
      m.computeIfAbsent(d.webhookId(), k -> new ArrayList<>()).add(d);
    }
    return m;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readAllBytes();
    }
    String body = new String(bytes, StandardCharsets.UTF_8);
    JsonNode json = Api.JSON.readTree(body);
    Map<String, List<String>> headers = new HashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v));
    String current = secret;
    deliveries.add(
        new Delivery(
            first(headers, "webhook-id"),
            json.path("event").asText(),
            body,
            json,
            standardValid(current, body, headers),
            hex(current, bytes).equals(first(headers, "x-webhook-signature"))));
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  /** Verified with the standardwebhooks library; the key per API.md (Delivery). */
  private static boolean standardValid(
      String secret, String body, Map<String, List<String>> headers) {
    try {
      String encoded = secret.startsWith("whsec_") ? secret.substring(6) : secret;
      Webhook webhook =
          CANONICAL_BASE64.matcher(encoded).matches() && !encoded.isEmpty()
              ? new Webhook(secret)
              : new Webhook(secret.getBytes(StandardCharsets.UTF_8));
      webhook.verify(body, headers);
      return true;
    } catch (WebhookVerificationException e) {
      return false;
    } catch (Exception e) {
      throw new IllegalStateException("cannot verify with secret " + secret, e);
    }
  }

  private static String hex(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
