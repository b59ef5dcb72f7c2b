package io.paystream.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL server of each test's own, in a directory of its own (trust authentication, TCP on
 * 127.0.0.1 only), for tests whose roles, passwords or data must touch nothing else. Started before
 * each test and thrown away after it:
 *
 * <pre>{@code
 * @RegisterExtension final PrivatePostgres pg = new PrivatePostgres();
 * ...
 * pg.psql("postgres", "postgres", "-c", "CREATE ROLE admin LOGIN");
 * }</pre>
 */
final class PrivatePostgres implements BeforeEachCallback, AfterEachCallback {
  private static final Duration LIMIT = Duration.ofMinutes(1);

  private Path dir;
  private Path bin;
  private Path data;
  private int port;

  /** Creates a cluster with the newest server installed, and starts it. */
  @Override
  public void beforeEach(ExtensionContext context) throws IOException, InterruptedException {
    dir = Files.createTempDirectory("paystream-pg-");
    data = dir.resolve("data");
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      bin =
          versions
              .map(v -> v.resolve("bin"))
              .filter(b -> Files.isExecutable(b.resolve("initdb")))
              .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName() + "")))
              .orElseThrow(
                  () -> new AssertionError("no PostgreSQL server under /usr/lib/postgresql"));
    }
    if (root()) {
      Commands.run(dir, Map.of(), LIMIT, List.of("chown", "postgres:", dir.toString()));
    }
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    asServerUser(
        "initdb",
        "-D",
        data.toString(),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-instructions");
    asServerUser(
        "pg_ctl",
        "-D",
        data.toString(),
        "-l",
        dir.resolve("postgres.log").toString(),
        "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''",
        "-w",
        "-t",
        "60",
        "start");
  }

  /** Runs psql as {@code user} on {@code database}, stopping at the first error; its output. */
  String psql(String user, String database, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "psql",
            "postgresql://" + user + "@127.0.0.1:" + port + "/" + database,
            "-w",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1"));
    command.addAll(List.of(args));
    return Commands.run(dir, Map.of(), LIMIT, command);
  }

  /** Stops the server at once and removes its directory (the data was the test's alone). */
  @Override
  public void afterEach(ExtensionContext context) throws IOException, InterruptedException {
    if (dir == null) {
      return;
    }
    if (bin != null && Files.exists(data.resolve("postmaster.pid"))) {
      asServerUser("pg_ctl", "-D", data.toString(), "-m", "immediate", "stop");
    }
    Commands.run(Path.of("/"), Map.of(), LIMIT, List.of("rm", "-rf", dir.toString()));
    dir = null;
  }

  /** Runs a server command as the postgres user where we are root (PostgreSQL refuses root). */
  private void asServerUser(String program, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (root()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    Commands.run(dir, Map.of(), LIMIT, command);
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }
}
