package io.paystream.refunds;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) running as a separate process
 * on a free port of 127.0.0.1, for the {@code *IT} tests: several instances side by side, one
 * killed with {@code kill -9}.
 */
public final class ServiceProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final int port;

  private ServiceProcess(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /** Starts an instance named {@code name} and waits until it is ready. */
  public static ServiceProcess start(String name, Map<String, String> env) throws Exception {
    String jar = System.getProperty("refund.service.jar", "target/quarkus-app/quarkus-run.jar");
    int port = freePort();
    File log = new File("target/it-logs/" + name + ".log");
    log.getParentFile().mkdirs();
    ProcessBuilder pb =
        new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx256m", "-jar", jar);
    pb.environment().putAll(env);
    pb.environment().put("PORT", Integer.toString(port));
    pb.environment().put("INSTANCE_ID", name);
    pb.environment().put("LOG_JSON", "false");
    pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    ServiceProcess s = new ServiceProcess(name, pb.start(), port);
    s.awaitReady(Duration.ofSeconds(90));
    return s;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public String name() {
    return name;
  }

  /** {@code kill -9}: no shutdown hook runs, nothing in flight is handed back. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(30);
  }

  /** A graceful stop (SIGTERM), then a forced one if it does not end. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!awaitExit(20)) {
      kill();
    }
  }

  private boolean awaitExit(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private void awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue());
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    close();
    throw new IllegalStateException(name + " was not ready within " + timeout);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
