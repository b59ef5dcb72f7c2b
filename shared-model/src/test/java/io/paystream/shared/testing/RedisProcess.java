package io.paystream.shared.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A private, throw-away {@code redis-server} (no persistence) on its own port, which a test can
 * stop and start again to play a Redis outage or a restart that lost everything.
 */
public final class RedisProcess implements AutoCloseable {
  private final int port;
  private Process process;

  private RedisProcess(int port) {
    this.port = port;
  }

  /** Starts one on a free port. */
  public static RedisProcess start() throws IOException, InterruptedException {
    RedisProcess r = new RedisProcess(ServiceProcess.freePort());
    r.startAgain();
    return r;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops it at once (as if it crashed): everything it held is gone. */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /**
   * Pauses it (SIGSTOP): connections are still accepted by the kernel, but nothing is answered, as
   * with a server that hangs. {@link #thaw} resumes it.
   */
  public void freeze() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Resumes a {@link #freeze frozen} server. */
  public void thaw() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill " + signal + " failed for redis-server " + port);
    }
  }

  /** Starts it again on the same port, empty. */
  public void startAgain() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                System.getProperty("java.io.tmpdir"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      if (ping()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("redis-server did not start on port " + port);
  }

  private boolean ping() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the server; an interrupt while waiting is kept on the thread. */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
