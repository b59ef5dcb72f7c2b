package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What deploy/local takes for its own, without starting anything: a pid file left behind (after a
 * reboot, say) may hold the pid of the machine's own PostgreSQL, Redis or nginx, which down.sh must
 * never stop; and up.sh run again must not point the edge at a port a running service does not
 * listen on.
 */
class LocalRunTest {
  private static final Path LOCAL = Stack.ROOT.resolve("deploy/local");

  @TempDir Path run;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void theMachinesOwnServersAreNeverTakenForTheStacks() throws Exception {
    // The stack's Redis had the standard port, free when it started: the machine's own has it now.
    state("PG_HOME=" + run.resolve("pg"), "REDIS_PORT=6379");
    pidFile("postgres", "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main");
    pidFile("redis", "redis-server 127.0.0.1:6379");
    pidFile("nginx", "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;");
    assertEquals("postgres=not redis=not nginx=not", ours());
  }

  @Test
  void whatTheStackStartedIsKnownForItsOwn() throws Exception {
    state("PG_HOME=" + run.resolve("pg"), "REDIS_PORT=56379");
    pidFile(
        "postgres",
        "/usr/lib/postgresql/15/bin/postgres -D " + run.resolve("pg/data") + " -p 55432");
    pidFile("redis", "redis-server 127.0.0.1:56379", run.resolve("redis")); // works in its --dir
    pidFile("nginx", "nginx: master process nginx -p " + run.resolve("nginx") + " -c nginx.conf");
    assertEquals("postgres=ours redis=ours nginx=ours", ours());
  }

  @Test
  void aRunningServiceIsNotMovedToAnotherPortBehindItsBack() throws Exception {
    state("PORT_payments_service=8081", "BIND=127.0.0.1");
    pidFile(
        "payments-service", "java -jar " + run.resolve("apps/payments-service/quarkus-run.jar"));
    ProcessBuilder again = new ProcessBuilder(LOCAL.resolve("up.sh").toString());
    again.environment().put("PAYSTREAM_RUN_DIR", run.toString());
    again.environment().put("PAYSTREAM_PAYMENTS_PORT", "9081");
    again.environment().put("PAYSTREAM_BUILD", "never");
    // Were it to go on, it would stop at this server, which nothing serves, and start nothing.
    again.environment().put("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none");
    Process p = again.redirectErrorStream(true).directory(Stack.ROOT.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "up.sh did not stop");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, p.exitValue(), out);
    assertTrue(
        out.contains("payments-service runs on 127.0.0.1 port 8081: stop the stack first"), out);
    assertFalse(Files.exists(run.resolve("pids/nginx.pid")), out);
  }

  /** Whether lib.sh takes each server's pid file for one it started. */
  private String ours() throws IOException, InterruptedException {
    String script =
        "source "
            + LOCAL.resolve("lib.sh")
            + "; for n in postgres redis nginx; do"
            + " if live_pid $n \"$(pattern_of $n)\" >/dev/null; then r=ours; else r=not; fi;"
            + " printf '%s=%s ' $n $r; done";
    return Commands.run(
            run,
            Map.of("PAYSTREAM_RUN_DIR", run.toString()),
            Duration.ofSeconds(30),
            List.of("bash", "-c", script))
        .strip();
  }

  private void state(String... lines) throws IOException {
    Files.write(run.resolve("state.env"), List.of(lines));
  }

  /** A live process whose command line holds {@code commandLine}, in pids/{@code name}.pid. */
  private void pidFile(String name, String commandLine) throws IOException {
    pidFile(name, commandLine, run);
  }

  private void pidFile(String name, String commandLine, Path workingDirectory) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", "-c", "sleep 60; :"));
    command.addAll(List.of(commandLine.split(" ")));
    Files.createDirectories(workingDirectory);
    Process p = new ProcessBuilder(command).directory(workingDirectory.toFile()).start();
    processes.add(p);
    Files.createDirectories(run.resolve("pids"));
    Files.writeString(run.resolve("pids/" + name + ".pid"), p.pid() + "\n");
  }
}
