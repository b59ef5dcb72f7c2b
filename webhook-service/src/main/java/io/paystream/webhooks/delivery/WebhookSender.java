package io.paystream.webhooks.delivery;

import io.paystream.shared.signing.WebhookSignature;
import io.paystream.webhooks.config.WebhooksConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * Makes one attempt: {@code POST} of the stored body with its signature headers, without following
 * redirects. Success is a 2xx status within the timeout (5 s, DNS and connecting included); the
 * answer's body is read until it ends, its connection closes or the timeout is up, and only its
 * first 1 KB is kept. An interim answer other than 100 and 103 fails the attempt. An attempt still
 * running at the deadline is reset: its connection is closed, so that a receiver sending its answer
 * a byte at a time holds no connection past it; one whose status had come counts by that status.
 * Never fails: every outcome is a {@link DeliveryResult}.
 */
@ApplicationScoped
public class WebhookSender {
  /** The most of a response body kept for the log. */
  public static final int BODY_LIMIT = 1024;

  private final HttpClient client;
  private final TargetResolver targets;
  private final Duration timeout;

  public WebhookSender(HttpClient client, TargetResolver targets, WebhooksConfig config) {
    this.client = client;
    this.targets = targets;
    this.timeout = config.delivery().timeout();
  }

  /** An answer: its status and the first bytes of its body. */
  private record Answer(int status, String body) {}

  /** The status of an answer as soon as it comes, and the first bytes of its body read so far. */
  private static final class Heard {
    volatile int status;
    final FirstBytes kept = new FirstBytes(BODY_LIMIT);

    /** What was heard by the deadline: the answer so far, once its status came. */
    Uni<Answer> byDeadline() {
      int s = status;
      return s == 0
          ? Uni.createFrom().failure(new TimeoutException())
          : Uni.createFrom().item(new Answer(s, kept.textSoFar()));
    }
  }

  public Uni<DeliveryResult> send(String url, byte[] body, WebhookSignature signature) {
    long start = System.nanoTime();
    Heard heard = new Heard();
    return targets
        .connectTo(url)
        .chain(server -> post(url, server, body, signature, heard))
        .ifNoItem()
        .after(timeout)
        .recoverWithUni(heard::byDeadline)
        .map(answer -> result(answer, millisSince(start)))
        .onFailure()
        .recoverWithItem(
            err -> new DeliveryResult.Failed(null, null, describe(err), millisSince(start)));
  }

  /**
   * {@code url} as it goes on the wire: characters beyond ASCII in its path, query or fragment
   * percent-encoded as UTF-8, as browsers send them. Sent raw, they made a request line that common
   * servers refuse.
   */
  static String ascii(String url) {
    try {
      return new URI(url).toASCIIString();
    } catch (URISyntaxException e) {
      return url; // endpoints are checked when saved: not reached
    }
  }

  /**
   * The request and its whole answer. Cancelled (the deadline passed), it resets the request, which
   * closes its connection; a request made after that is reset as soon as it exists.
   */
  private Uni<Answer> post(
      String url, SocketAddress server, byte[] body, WebhookSignature sig, Heard heard) {
    long millis = timeout.toMillis();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(ascii(url))
            .setFollowRedirects(false)
            .setConnectTimeout(millis)
            .setIdleTimeout(millis)
            .putHeader("Content-Type", "application/json")
            .putHeader("User-Agent", "Paystream-Webhooks/1.0");
    if (server != null) {
      options.setServer(server.getDelegate());
    }
    for (Map.Entry<String, String> h : sig.headers().entrySet()) {
      options.putHeader(h.getKey(), h.getValue());
    }
    return Uni.createFrom()
        .emitter(
            em -> {
              AtomicBoolean settled = new AtomicBoolean();
              AtomicReference<HttpClientRequest> made = new AtomicReference<>();
              em.onTermination(
                  () -> {
                    if (settled.compareAndSet(false, true)) { // cancelled: no answer was emitted
                      HttpClientRequest r = made.get();
                      if (r != null) {
                        r.reset();
                      }
                    }
                  });
              client
                  .request(options)
                  .onFailure(err -> fail(em, settled, err))
                  .onSuccess(
                      request -> {
                        made.set(request);
                        if (settled.get()) {
                          request.reset(); // the deadline passed while connecting
                          return;
                        }
                        request
                            .send(Buffer.buffer(body))
                            .onFailure(err -> fail(em, settled, err))
                            .onSuccess(response -> read(em, settled, response, heard));
                      });
            });
  }

  /**
   * Reads the answer's body. Once its status has come, the answer is that status, whatever becomes
   * of the body: one that ends, breaks off or is still coming at the deadline ({@link
   * Heard#byDeadline}) keeps what arrived.
   */
  private static void read(
      UniEmitter<? super Answer> em,
      AtomicBoolean settled,
      HttpClientResponse response,
      Heard heard) {
    if (response.statusCode() < 200) {
      // An interim answer the client does not pass over (it does 100 and 103; 102 Processing, say)
      // ends the exchange for it: the final answer after it would reach the connection as a stray
      // message. The attempt fails in those words, and the connection is closed, not pooled.
      response.request().connection().close();
      fail(em, settled, new InterimAnswer(response.statusCode()));
      return;
    }
    heard.status = response.statusCode();
    response.handler(heard.kept);
    response.exceptionHandler(err -> answer(em, settled, heard, heard.kept.textSoFar()));
    response.endHandler(v -> answer(em, settled, heard, heard.kept.text()));
  }

  private static void answer(
      UniEmitter<? super Answer> em, AtomicBoolean settled, Heard heard, String body) {
    if (settled.compareAndSet(false, true)) {
      em.complete(new Answer(heard.status, body));
    }
  }

  private static void fail(UniEmitter<?> em, AtomicBoolean settled, Throwable err) {
    if (settled.compareAndSet(false, true)) {
      em.fail(err);
    }
  }

  private static DeliveryResult result(Answer answer, int latencyMs) {
    int status = answer.status();
    String body = answer.body();
    if (status >= 200 && status < 300) {
      return new DeliveryResult.Delivered(status, body, latencyMs);
    }
    return new DeliveryResult.Failed(status, body, null, latencyMs);
  }

  /** An interim (1xx) answer taken for the final one. */
  static final class InterimAnswer extends Exception {
    InterimAnswer(int status) {
      super(
          "interim answer "
              + status
              + " and no final answer read (only 100 and 103 are passed over)",
          null,
          false,
          false);
    }
  }

  /** The failure in our own words, for the merchant's delivery log. */
  String describe(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof InterimAnswer) {
        return t.getMessage();
      }
      if (t instanceof TargetGuard.Refused) {
        return "target refused: " + t.getMessage();
      }
      if (t instanceof TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")
          || String.valueOf(t.getMessage()).contains("timeout")) {
        return "timed out: no answer within " + timeout.toMillis() + " ms";
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
