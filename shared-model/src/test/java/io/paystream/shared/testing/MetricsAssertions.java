package io.paystream.shared.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Checks of a service's {@code /q/metrics}. */
public final class MetricsAssertions {
  private MetricsAssertions() {}

  /**
   * Answers given before any route matched (a request target refused as malformed, a wrong method
   * on {@code knownPath}) do not tag the HTTP metrics with the path sent: one series per path would
   * let any client grow the metrics without bound, and push out the series of real routes once the
   * cap on them is reached.
   */
  public static void assertSprayedPathsMakeNoSeries(int port, String knownPath)
      throws IOException, InterruptedException {
    for (int i = 0; i < 3; i++) {
      assertStatus(port, "GET " + knownPath + "/sprayed" + i + "%zz", 400);
      assertStatus(port, "PATCH " + knownPath + "/sprayed-method" + i, 405);
    }
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertTrue(metrics.contains("http_server_requests"), "no HTTP metrics at all");
    assertFalse(metrics.contains("sprayed"), "a metric series carries a path that was sent");
  }

  private static void assertStatus(int port, String requestLine, int status) throws IOException {
    String answer =
        RawHttp.exchange(port, requestLine + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), requestLine + ": " + answer);
  }
}
