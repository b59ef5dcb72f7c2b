package io.paystream.webhooks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JavaScript receiver ({@code src/test/resources/receiver.js}) as a process: it verifies {@code
 * X-Webhook-Signature} over {@code JSON.stringify(JSON.parse(body))} with the given secret.
 */
public final class NodeReceiver implements AutoCloseable {
  private final Process process;
  private final int port;

  private NodeReceiver(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static NodeReceiver start(String secret) throws IOException {
    Path script = Files.createTempFile("receiver", ".js");
    try (var in = NodeReceiver.class.getResourceAsStream("/receiver.js")) {
      Files.write(script, in.readAllBytes());
    }
    Process p =
        new ProcessBuilder("node", script.toString(), secret).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("{\"port\":")) {
      p.destroyForcibly();
      throw new IOException("node receiver did not start: " + line);
    }
    int port = Integer.parseInt(line.replaceAll("\\D", ""));
    return new NodeReceiver(p, port);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
