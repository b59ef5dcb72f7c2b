package io.paystream.shared.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

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

  /**
   * Each stream's consumer group lag and pending count are exported ({@code
   * paystream_stream_lag{stream}}, {@code paystream_stream_pending{stream}}) and, within 10 s,
   * measured (a number, not NaN).
   */
  public static void assertGroupBacklogsExported(int port, String... streams) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              String metrics = scrape(port);
              for (String stream : streams) {
                for (String name :
                    new String[] {"paystream_stream_lag", "paystream_stream_pending"}) {
                  Pattern sample =
                      Pattern.compile(
                          "(?m)^"
                              + Pattern.quote(name)
                              + "\\{[^}]*stream=\""
                              + Pattern.quote(stream)
                              + "\"[^}]*\\} [0-9.E+-]+$");
                  assertTrue(
                      sample.matcher(metrics).find(), "no measured " + name + " of " + stream);
                }
              }
            });
  }

  /**
   * The meter's {@code # HELP} line (of {@code name}, or of its family without {@code _total})
   * starts with {@code text}: it says what the meter counts.
   */
  public static void assertHelp(int port, String name, String text)
      throws IOException, InterruptedException {
    // A counter's family is named without its _total in the newer exposition formats.
    String family = name.replaceFirst("_total$", "");
    String help =
        scrape(port)
            .lines()
            .filter(
                l -> l.startsWith("# HELP " + name + " ") || l.startsWith("# HELP " + family + " "))
            .findFirst()
            .orElse("no help line");
    assertTrue(
        help.replaceFirst("^# HELP [a-z_]+ ", "").startsWith(text),
        "the help of " + name + " does not start with " + text + ": " + help);
  }

  /** The service's {@code /q/metrics}, as a scraper reads it. */
  public static String scrape(int port) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void assertStatus(int port, String requestLine, int status) throws IOException {
    String answer =
        RawHttp.exchange(port, requestLine + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), requestLine + ": " + answer);
  }
}
