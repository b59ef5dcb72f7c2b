package io.paystream.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real local HTTP receiver for webhooks: records every request (headers, exact body, arrival
 * time) per path and answers as each path is told to (status, delay, body). A delay longer than the
 * sender's timeout plays an endpoint that hangs.
 */
public final class Receiver implements AutoCloseable {
  /** One request as received. */
  public record Hit(String path, Map<String, List<String>> headers, byte[] body, long atMillis) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The Standard Webhooks headers, as its verifier library takes them. */
    public Map<String, List<String>> standardWebhooksHeaders() {
      return Map.of(
          "webhook-id", List.of(header("webhook-id")),
          "webhook-timestamp", List.of(header("webhook-timestamp")),
          "webhook-signature", List.of(header("webhook-signature")));
    }
  }

  /** How a path answers. */
  public record Answer(int status, long delayMillis, String body, Map<String, String> headers) {
    public static final Answer OK = new Answer(200, 0, "ok");

    public Answer(int status, long delayMillis, String body) {
      this(status, delayMillis, body, Map.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService pool;
  private final Map<String, List<Hit>> hits = new ConcurrentHashMap<>();
  private final Map<String, Function<Hit, Answer>> answers = new ConcurrentHashMap<>();

  private Receiver(HttpServer server, ExecutorService pool) {
    this.server = server;
    this.pool = pool;
  }

  public static Receiver start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "receiver");
              t.setDaemon(true);
              return t;
            });
    Receiver receiver = new Receiver(server, pool);
    server.createContext("/", receiver::handle);
    server.setExecutor(pool);
    server.start();
    return receiver;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Makes {@code path} answer with {@code answer}. */
  public void answer(String path, Answer answer) {
    answers.put(path, hit -> answer);
  }

  /** Makes {@code path} answer as {@code answer} decides per request. */
  public void answer(String path, Function<Hit, Answer> answer) {
    answers.put(path, answer);
  }

  /** The requests to {@code path} so far, in arrival order. */
  public List<Hit> hits(String path) {
    return new ArrayList<>(hits.getOrDefault(path, List.of()));
  }

  /** The requests to every path so far. */
  public int total() {
    return hits.values().stream().mapToInt(List::size).sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long at = System.currentTimeMillis();
    String path = exchange.getRequestURI().getPath();
    byte[] body = exchange.getRequestBody().readAllBytes();
    Hit hit = new Hit(path, Map.copyOf(exchange.getRequestHeaders()), body, at);
    hits.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(hit);
    Answer a = answers.getOrDefault(path, h -> Answer.OK).apply(hit);
    try {
      if (a.delayMillis() > 0) {
        Thread.sleep(a.delayMillis()); // a test server thread playing a slow endpoint
      }
      a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the sender gave up (timeout): nothing to answer
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
