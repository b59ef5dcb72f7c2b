package io.paystream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A merchant's client of the API through one origin (the edge, or an app's /api). */
final class Api {
  static final String KEY = "key_test_abc123";
  static final String SECRET = "secret_test_xyz789";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final String base;
  private final String key;
  private final String secret;

  private Api(String base, String key, String secret) {
    this.base = base;
    this.key = key;
    this.secret = secret;
  }

  /** The test merchant's client. */
  static Api merchant(String base) {
    return new Api(base, KEY, SECRET);
  }

  /** Another merchant's client. */
  static Api merchant(String base, String key, String secret) {
    return new Api(base, key, secret);
  }

  /** A client without credentials (public endpoints, error paths). */
  static Api anonymous(String base) {
    return new Api(base, null, null);
  }

  /** One answer: status, headers and the body as JSON (MissingNode when it is not JSON). */
  record Answer(int status, HttpHeaders headers, String raw, JsonNode json) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    String text(String field) {
      return json.path(field).asText(null);
    }
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  Answer post(String path, String body) throws IOException, InterruptedException {
    return post(path, body, null);
  }

  Answer post(String path, String body, String idempotencyKey)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b);
  }

  Answer delete(String path) throws IOException, InterruptedException {
    return send(request(path).DELETE());
  }

  Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = r.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(r.body());
    } catch (IOException e) {
      json = MissingNode.getInstance();
    }
    return new Answer(
        r.statusCode(), r.headers(), r.body(), json == null ? MissingNode.getInstance() : json);
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("X-Api-Key", key).header("X-Api-Secret", secret);
    }
    return b;
  }

  /** Creates an order of {@code amount} paise; returns its id. */
  String order(long amount) throws IOException, InterruptedException {
    Answer a = post("/api/v1/orders", "{\"amount\":" + amount + ",\"currency\":\"INR\"}");
    expect(a, 201);
    return a.text("id");
  }

  /** Pays an order by UPI; returns the payment id. */
  String payUpi(String orderId, String vpa) throws IOException, InterruptedException {
    Answer a =
        post(
            "/api/v1/payments",
            "{\"order_id\":\"" + orderId + "\",\"method\":\"upi\",\"vpa\":\"" + vpa + "\"}");
    expect(a, 201);
    return a.text("id");
  }

  static void expect(Answer a, int status) {
    if (a.status() != status) {
      throw new AssertionError("expected " + status + " but got " + a.status() + ": " + a.raw());
    }
  }
}
