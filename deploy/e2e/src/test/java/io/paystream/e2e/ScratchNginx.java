package io.paystream.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An nginx of a test's own, in the foreground, with everything it writes under {@code prefix}: one
 * worker, no access log, and the test's lines inside {@code http { … }} (relative includes are read
 * from {@code prefix}).
 *
 * <pre>{@code
 * ScratchNginx nginx = ScratchNginx.start(prefix, "server { listen 127.0.0.1:" + port + "; }");
 * try {
 *   nginx.waitUntilAnswering(api);
 *   …
 * } finally {
 *   nginx.stop();
 * }
 * }</pre>
 */
final class ScratchNginx {
  private final Process process;

  private ScratchNginx(Process process) {
    this.process = process;
  }

  /** Writes {@code prefix/nginx.conf} around the {@code http} lines given and starts nginx. */
  static ScratchNginx start(Path prefix, String... http) throws IOException, InterruptedException {
    Files.createDirectories(prefix.resolve("tmp"));
    List<String> conf =
        new ArrayList<>(
            List.of(
                "worker_processes 1;",
                "pid " + prefix.resolve("nginx.pid") + ";",
                "error_log " + prefix.resolve("error.log") + ";",
                "daemon off;",
                "events { worker_connections 64; }",
                "http {",
                "  client_body_temp_path " + prefix.resolve("tmp") + ";",
                "  proxy_temp_path " + prefix.resolve("tmp") + ";",
                "  access_log off;"));
    conf.addAll(List.of(http));
    conf.add("}");
    Files.writeString(prefix.resolve("nginx.conf"), String.join("\n", conf) + "\n");
    return new ScratchNginx(
        new ProcessBuilder(Commands.nginx(), "-p", prefix.toString(), "-c", "nginx.conf")
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("nginx.out").toFile())
            .start());
  }

  /** Waits (10 s at most) until {@code api} answers at all: nginx is listening. */
  void waitUntilAnswering(Api api) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try {
        api.get("/");
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline || !process.isAlive()) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
