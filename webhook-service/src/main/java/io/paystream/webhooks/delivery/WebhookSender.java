package io.paystream.webhooks.delivery;

import io.paystream.shared.signing.WebhookSignature;
import io.paystream.webhooks.config.WebhooksConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.TypeArg;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Makes one attempt: {@code POST} of the stored body with its signature headers, without following
 * redirects. Success is a 2xx answer complete within the timeout (5 s, DNS and connecting
 * included); only the first 1 KB of the answer is kept. Never fails: every outcome is a {@link
 * DeliveryResult}.
 */
@ApplicationScoped
public class WebhookSender {
  /** The most of a response body kept for the log. */
  public static final int BODY_LIMIT = 1024;

  private final WebClient client;
  private final TargetResolver targets;
  private final Duration timeout;
  private final BodyCodec<String> firstBytes =
      BodyCodec.newInstance(new FirstBytes(BODY_LIMIT), TypeArg.unknown());

  public WebhookSender(WebClient client, TargetResolver targets, WebhooksConfig config) {
    this.client = client;
    this.targets = targets;
    this.timeout = config.delivery().timeout();
  }

  public Uni<DeliveryResult> send(String url, byte[] body, WebhookSignature signature) {
    long start = System.nanoTime();
    return targets
        .connectTo(url)
        .chain(server -> request(url, server, signature).sendBuffer(Buffer.buffer(body)))
        .ifNoItem()
        .after(timeout)
        .failWith(TimeoutException::new)
        .map(response -> result(response, millisSince(start)))
        .onFailure()
        .recoverWithItem(
            err -> new DeliveryResult.Failed(null, null, describe(err), millisSince(start)));
  }

  private HttpRequest<String> request(String url, SocketAddress server, WebhookSignature sig) {
    HttpRequest<io.vertx.mutiny.core.buffer.Buffer> r =
        server == null
            ? client.requestAbs(HttpMethod.POST, url)
            : client.requestAbs(HttpMethod.POST, server, url);
    long millis = timeout.toMillis();
    r.followRedirects(false).connectTimeout(millis).idleTimeout(millis);
    r.putHeader("Content-Type", "application/json");
    for (Map.Entry<String, String> h : sig.headers().entrySet()) {
      r.putHeader(h.getKey(), h.getValue());
    }
    return r.as(firstBytes);
  }

  private static DeliveryResult result(HttpResponse<String> response, int latencyMs) {
    int status = response.statusCode();
    String body = response.body();
    if (status >= 200 && status < 300) {
      return new DeliveryResult.Delivered(status, body, latencyMs);
    }
    return new DeliveryResult.Failed(status, body, null, latencyMs);
  }

  /** The failure in our own words, for the merchant's delivery log. */
  String describe(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof TargetGuard.Refused) {
        return "target refused: " + t.getMessage();
      }
      if (t instanceof TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")
          || String.valueOf(t.getMessage()).contains("timeout")) {
        return "timed out: no complete answer within " + timeout.toMillis() + " ms";
      }
      if (t instanceof TargetResolver.TargetLookupFailed || t instanceof UnknownHostException) {
        return "host not found";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed";
      }
    }
    String message = String.valueOf(err.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (message.contains("closed") || message.contains("reset")) {
      return "connection closed before a complete answer";
    }
    return "network error";
  }

  private static int millisSince(long startNanos) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startNanos) / 1_000_000);
  }
}
