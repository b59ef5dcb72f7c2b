package io.paystream.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end and returns what it printed; anything but exit code 0 fails. */
final class Commands {
  private Commands() {}

  /**
   * The nginx binary, installed first where it is missing (deploy/local/ensure-tools.sh). Debian's
   * is in /usr/sbin, which an ordinary user's PATH leaves out.
   */
  static synchronized String nginx() throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of("/usr/sbin/nginx")) && onPath("nginx") == null) {
      run(
          Stack.ROOT,
          Map.of(),
          Duration.ofMinutes(10),
          List.of(Stack.ROOT.resolve("deploy/local/ensure-tools.sh").toString(), "nginx"));
    }
    return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
  }

  private static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static String run(Path dir, Map<String, String> env, Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    // Output is read on its own thread so that a command that hangs still times out.
    StringBuilder out = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                out.append("(output lost: ").append(e.getMessage()).append(')');
              }
            });
    reader.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(5_000);
      throw new AssertionError(
          String.join(" ", command) + " did not finish within " + timeout + ":\n" + out);
    }
    reader.join();
    if (p.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + out);
    }
    return out.toString();
  }
}
