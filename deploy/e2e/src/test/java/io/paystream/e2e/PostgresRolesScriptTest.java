package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * postgres-roles.sql (compose, the Kubernetes Job, up.sh) run as a managed PostgreSQL's
 * administrator runs it: a role with CREATEROLE and CREATEDB, not a superuser. On a private
 * PostgreSQL of its own, so that the roles it makes and the passwords it sets touch nothing else.
 */
class PostgresRolesScriptTest {
  private static final Path SCRIPT = Stack.ROOT.resolve("deploy/k8s/base/postgres-roles.sql");
  private static final Duration LIMIT = Duration.ofMinutes(1);

  @TempDir Path dir;
  private Path bin;
  private Path data;
  private int port;

  @BeforeEach
  void startPostgres() throws Exception {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      bin =
          versions
              .map(v -> v.resolve("bin"))
              .filter(b -> Files.isExecutable(b.resolve("initdb")))
              .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName() + "")))
              .orElseThrow(
                  () -> new AssertionError("no PostgreSQL server under /usr/lib/postgresql"));
    }
    data = dir.resolve("data");
    if (root()) {
      Commands.run(dir, Map.of(), LIMIT, List.of("chown", "postgres:", dir.toString()));
    }
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    asServerUser(
        bin.resolve("initdb").toString(),
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
        bin.resolve("pg_ctl").toString(),
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

  @AfterEach
  void stopPostgres() throws Exception {
    if (data != null && Files.exists(data.resolve("postmaster.pid"))) {
      asServerUser(
          bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop");
    }
  }

  @Test
  void anAdministratorThatIsNoSuperuserSetsUpEveryServicesRoleAndSchema() throws Exception {
    psql("postgres", "postgres", "-c", "CREATE ROLE cloud_admin LOGIN CREATEROLE CREATEDB");
    // Twice: it runs on every deploy.
    for (int run = 0; run < 2; run++) {
      psql(
          "cloud_admin",
          "postgres",
          "-v",
          "payments_password=p-" + run,
          "-v",
          "refunds_password=r-" + run,
          "-v",
          "webhooks_password=w-" + run,
          "-f",
          SCRIPT.toString());
    }
    assertEquals(
        "payments=payments\nrefunds=refunds\nwebhooks=webhooks",
        psql(
                "postgres",
                "paystream",
                "-Atc",
                "SELECT nspname || '=' || pg_get_userbyid(nspowner) FROM pg_namespace"
                    + " WHERE nspname IN ('payments', 'refunds', 'webhooks') ORDER BY 1")
            .strip());
    // Each service's role may create its tables in its own schema, and nowhere else.
    psql("payments", "paystream", "-c", "CREATE TABLE payments.t (x int)");
    psql("refunds", "paystream", "-c", "CREATE TABLE t (x int)"); // its search_path
    assertThrows(
        AssertionError.class,
        () -> psql("payments", "paystream", "-c", "CREATE TABLE refunds.u (x int)"));
    assertThrows(
        AssertionError.class,
        () -> psql("webhooks", "paystream", "-c", "CREATE TABLE public.u (x int)"));
  }

  private String psql(String user, String database, String... args)
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

  /** Runs a server command as the postgres user where we are root (PostgreSQL refuses root). */
  private void asServerUser(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (root()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.addAll(List.of(args));
    Commands.run(dir, Map.of(), LIMIT, command);
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }
}
