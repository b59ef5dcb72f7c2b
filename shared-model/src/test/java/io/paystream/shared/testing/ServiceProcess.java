package io.paystream.shared.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A packaged service started as its own process, for black-box tests: several instances side by
 * side, one killed with {@code kill -9}. Output goes to {@code target/it-logs/<name>.log}.
 *
 * <pre>{@code
 * try (ServiceProcess a = ServiceProcess.start("a", Path.of("target/quarkus-app/quarkus-run.jar"), env)) {
 *   a.awaitHttp("/q/health/live", Duration.ofSeconds(60));
 *   a.kill(); // SIGKILL
 * }
 * }</pre>
 */
public final class ServiceProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java -jar jar} with {@code env} added and {@code PORT} set to a free port, unless
   * {@code env} sets it (to a port {@link #port()} does not know of, for a start meant to fail).
   */
  public static ServiceProcess start(String name, Path jar, Map<String, String> env)
      throws IOException {
    int port = freePort();
    Path logs = Path.of("target", "it-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toAbsolutePath().toString());
    Map<String, String> vars = new HashMap<>(env);
    vars.putIfAbsent("PORT", Integer.toString(port));
    vars.putIfAbsent("LOG_JSON", "false");
    vars.putIfAbsent("INSTANCE_ID", name);
    pb.environment().putAll(vars);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new ServiceProcess(name, port, pb.start(), log);
  }

  /** A free TCP port on this machine. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public String name() {
    return name;
  }

  /** Waits until {@code path} answers 200. */
  public void awaitHttp(String path, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        name + " did not answer " + path + " within " + timeout + "; see " + log);
  }

  /** {@code kill -9}: no shutdown hook, no graceful anything. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the service gracefully, forcibly after 15 s; an interrupt is kept on the thread. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The log file, for failure messages. */
  public File logFile() {
    return log.toFile();
  }
}
