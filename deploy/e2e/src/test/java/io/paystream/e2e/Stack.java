package io.paystream.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The whole of Paystream, started with the newcomer's command ({@code deploy/local/up.sh}) in a
 * test mode of its own: free ports, its own run directory ({@code target/stack}, or one under
 * {@code java.io.tmpdir}: see {@link #runDirectory()}), a private PostgreSQL (database {@code
 * paystream_e2e}) where each service connects as its own role limited to its schema, as in
 * production, and a private Redis that the fault tests may kill and wipe. Both start empty. {@link
 * #close()} runs {@code down.sh}; so does the end of the JVM when the run is cut short (Ctrl-C).
 */
final class Stack implements AutoCloseable {
  /** The repository: {@code -Dpaystream.root}, else two levels above this module. */
  static final Path ROOT =
      Path.of(
              System.getProperty(
                  "paystream.root", Path.of("").toAbsolutePath().resolve("../..").toString()))
          .toAbsolutePath()
          .normalize();

  static final String DATABASE = "paystream_e2e";

  /** Onboarding is on in the stack, with this token. */
  static final String ADMIN_TOKEN = "e2e-admin-token";

  static final List<String> SERVICES =
      List.of("payments-service", "refund-service", "webhook-service");

  final Path runDir;
  final int edgePort;
  final int dashboardPort;
  final int checkoutPort;
  private final Map<String, Integer> servicePorts = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();

  /** Set once down.sh was started, by {@link #close()} or by the shutdown hook: it runs once. */
  private final AtomicBoolean stopped = new AtomicBoolean();

  /** Stops the stack when the JVM ends before {@link #close()} (Ctrl-C, SIGTERM). */
  private final Thread shutdownHook = new Thread(this::stopOnShutdown, "e2e-stack-stop");

  /** The script running now, if any (up.sh may be running when the JVM is told to stop). */
  private volatile Process running;

  private Stack() throws IOException {
    runDir = runDirectory();
    int[] ports = freePorts(8);
    edgePort = ports[0];
    servicePorts.put("payments-service", ports[1]);
    servicePorts.put("refund-service", ports[2]);
    servicePorts.put("webhook-service", ports[3]);
    dashboardPort = ports[4];
    checkoutPort = ports[5];

    env.putAll(System.getenv());
    env.remove("DATABASE_URL"); // the stack decides: its own database on the local server
    env.remove("REDIS_URL");
    env.put("PAYSTREAM_RUN_DIR", runDir.toString());
    env.put("PAYSTREAM_EDGE_PORT", Integer.toString(edgePort));
    env.put("PAYSTREAM_PAYMENTS_PORT", Integer.toString(ports[1]));
    env.put("PAYSTREAM_REFUNDS_PORT", Integer.toString(ports[2]));
    env.put("PAYSTREAM_WEBHOOKS_PORT", Integer.toString(ports[3]));
    env.put("PAYSTREAM_DASHBOARD_PORT", Integer.toString(dashboardPort));
    env.put("PAYSTREAM_CHECKOUT_PORT", Integer.toString(checkoutPort));
    env.put("PAYSTREAM_REDIS", "private");
    env.put("PAYSTREAM_REDIS_PORT", Integer.toString(ports[6]));
    env.put("PAYSTREAM_DB", DATABASE);
    env.put("PAYSTREAM_POSTGRES", "private");
    env.put("PAYSTREAM_PG_PORT", Integer.toString(ports[7]));
    env.put("PAYSTREAM_DB_ROLES", "true");
    // The reactor built the jars and apps just before; only build what would be missing.
    env.put("PAYSTREAM_BUILD", "missing");
    env.put("TEST_MODE", "true");
    env.put("TEST_PROCESSING_DELAY", "1000");
    env.put("WEBHOOK_RETRY_INTERVALS_TEST", "true");
    env.put("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true");
    env.put("ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("RATE_LIMIT_PER_SECOND", "0");
    env.put("DB_POOL_SIZE", "8");
    env.put("LOG_JSON", "false");
  }

  /**
   * The run directory: {@code deploy/e2e/target/stack} when every directory above it may be
   * searched by others, else (a checkout under a private home, such as {@code /root}) {@code
   * paystream-e2e-<hash of the checkout's path>} under {@code java.io.tmpdir}, mode 755. As root,
   * up.sh runs the private PostgreSQL as the system's {@code postgres} user, which must reach its
   * data in there.
   */
  private static Path runDirectory() throws IOException {
    Path inCheckout = ROOT.resolve("deploy/e2e/target/stack");
    if (searchableByOthers(inCheckout)) {
      System.out.println("[e2e] stack run directory: " + inCheckout);
      return inCheckout;
    }
    Path dir =
        Path.of(System.getProperty("java.io.tmpdir"))
            .toAbsolutePath()
            .resolve("paystream-e2e-" + shortHash(ROOT.toString()));
    Set<PosixFilePermission> mode = PosixFilePermissions.fromString("rwxr-xr-x");
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
    }
    Path probe = Files.createTempFile(dir.getParent(), "paystream-e2e-", ".owner");
    UserPrincipal me = Files.getOwner(probe);
    Files.delete(probe);
    if (!Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).equals(me)) {
      throw new IllegalStateException(
          dir + " belongs to another user: delete it, or run with another -Djava.io.tmpdir");
    }
    Files.setPosixFilePermissions(dir, mode);
    System.out.println(
        "[e2e] stack run directory: "
            + dir
            + " (the postgres user cannot reach "
            + inCheckout
            + ": a directory above it is not searchable by others)");
    return dir;
  }

  /** Whether others (the postgres user) may search every existing directory down to {@code dir}. */
  private static boolean searchableByOthers(Path dir) throws IOException {
    Path existing = dir;
    while (!Files.exists(existing)) {
      existing = existing.getParent();
    }
    for (Path p = existing.toRealPath(); p != null; p = p.getParent()) {
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        return false;
      }
    }
    return true;
  }

  private static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts a fresh stack: a leftover one of an aborted run is stopped and its data deleted. */
  static Stack start() throws Exception {
    Stack stack = new Stack();
    Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
    stack.script("down.sh", "--wipe");
    try {
      stack.script("up.sh");
    } catch (Exception e) {
      stack.close(); // whatever up.sh started before it failed
      throw e;
    }
    return stack;
  }

  /** up.sh again: whatever died is started again, whatever runs is left alone. */
  void up() throws IOException, InterruptedException {
    script("up.sh");
  }

  String edge() {
    return "http://127.0.0.1:" + edgePort;
  }

  /**
   * A new merchant of its own (a random email), onboarded through the edge; the answer holds its
   * credentials. Tests whose payments must not reach the test merchant's webhook endpoints, which
   * other tests make and watch, pay as such a merchant.
   */
  Api.Answer onboard() throws IOException, InterruptedException {
    String email = "merchant-" + UUID.randomUUID() + "@example.com";
    HttpRequest.Builder request =
        Api.anonymous(edge())
            .request("/api/v1/merchants")
            .header("X-Admin-Token", ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"Shop\",\"email\":\""
                        + email
                        + "\",\"password\":\"long enough\"}"));
    Api.Answer onboarded = Api.anonymous(edge()).send(request);
    Api.expect(onboarded, 201);
    return onboarded;
  }

  String dashboard() {
    return "http://127.0.0.1:" + dashboardPort;
  }

  String checkout() {
    return "http://127.0.0.1:" + checkoutPort;
  }

  String service(String name) {
    return "http://127.0.0.1:" + servicePort(name);
  }

  int servicePort(String name) {
    return servicePorts.get(name);
  }

  /** The pid up.sh recorded for a component (a service, {@code redis}, {@code nginx}). */
  long pid(String name) throws IOException {
    return Long.parseLong(Files.readString(runDir.resolve("pids/" + name + ".pid")).trim());
  }

  /** {@code kill -9}: no shutdown hook, no graceful anything. */
  void kill9(String name) throws Exception {
    ProcessHandle p =
        ProcessHandle.of(pid(name))
            .orElseThrow(() -> new IllegalStateException(name + " is not running"));
    p.destroyForcibly();
    p.onExit().get(30, TimeUnit.SECONDS);
  }

  /**
   * Crashes the private PostgreSQL the way a lost machine would: the server and every one of its
   * processes get {@code kill -9} at once, nothing is flushed or checkpointed, and the next start
   * recovers from the write-ahead log.
   */
  void crashPostgres() throws Exception {
    ProcessHandle server =
        ProcessHandle.of(pid("postgres"))
            .orElseThrow(() -> new IllegalStateException("postgres is not running"));
    List<ProcessHandle> all = new ArrayList<>(server.descendants().toList());
    all.add(0, server);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      p.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  /** Kills the private Redis with {@code kill -9} and deletes everything it had on disk. */
  void wipeRedis() throws Exception {
    kill9("redis");
    Path data = runDir.resolve("redis");
    if (Files.exists(data)) {
      try (Stream<Path> files = Files.walk(data)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * The log of a service (or {@code edge-access}), as up.sh keeps it. Bytes that are not UTF-8 (a
   * request target logged as sent) are read as U+FFFD.
   */
  String log(String name) throws IOException {
    return new String(
        Files.readAllBytes(runDir.resolve("logs/" + name + ".log")), StandardCharsets.UTF_8);
  }

  /** Runs down.sh; an interrupt is kept on the thread. */
  @Override
  public void close() throws IOException {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it finds the stack stopped already
    }
    try {
      script("down.sh");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The JVM ends before {@link #close()} (Ctrl-C during {@code ./mvnw verify}): ends a script that
   * is still running (up.sh) and runs down.sh, so that no service, nginx, PostgreSQL or Redis of
   * the stack outlives the run.
   */
  private void stopOnShutdown() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    System.out.println("[e2e] stopping the stack (down.sh): the run ends early");
    try {
      Process p = running;
      if (p != null && p.isAlive()) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
      script("down.sh");
    } catch (Exception e) {
      System.out.println("[e2e] stopping the stack failed: " + e.getMessage());
    }
  }

  private void script(String name, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("deploy/local/" + name).toString());
    command.addAll(List.of(args));
    Files.createDirectories(runDir);
    Path output = runDir.resolve(name.replace(".sh", "") + "-output.log");
    Files.writeString(
        output,
        "===== " + java.time.Instant.now() + " " + String.join(" ", command) + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    Process p = pb.start();
    running = p;
    try {
      if (!p.waitFor(Duration.ofMinutes(10).toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(name + " did not finish within 10 minutes; see " + output);
      }
    } finally {
      running = null;
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          name + " failed (" + p.exitValue() + "), see " + output + ":\n" + tail(output));
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
