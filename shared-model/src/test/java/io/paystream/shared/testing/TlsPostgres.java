package io.paystream.shared.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private, throw-away PostgreSQL on its own port that takes TLS connections only, as managed
 * databases do: its certificate, for {@code 127.0.0.1} and {@code localhost}, is issued by a CA of
 * its own ({@link #caFile}); a connection without TLS is refused. User {@code postgres} logs in
 * without a password over TLS.
 */
public final class TlsPostgres implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Path bin;

  private TlsPostgres(Path dir, int port, Path bin) {
    this.dir = dir;
    this.port = port;
    this.bin = bin;
  }

  /** Creates and starts one. */
  public static TlsPostgres start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("paystream-tls-pg");
    TlsPostgres pg = new TlsPostgres(dir, ServiceProcess.freePort(), serverBinaries());
    pg.certificates();
    if (root()) {
      run(List.of("chown", "-R", "postgres", dir.toString()));
      run(List.of("chmod", "755", dir.toString()));
    }
    pg.asServerUser(
        pg.bin.resolve("initdb").toString(),
        "-D",
        pg.data().toString(),
        "-U",
        "postgres",
        "-A",
        "trust",
        "--no-instructions");
    Files.writeString(
        pg.data().resolve("pg_hba.conf"),
        "hostssl all all 127.0.0.1/32 trust\n" + "host all all 0.0.0.0/0 reject\n");
    pg.asServerUser(
        pg.bin.resolve("pg_ctl").toString(),
        "-D",
        pg.data().toString(),
        "-l",
        pg.logFile().toString(),
        "-w",
        "-t",
        "60",
        "-o",
        "-p "
            + pg.port
            + " -k "
            + dir
            + " -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file="
            + dir.resolve("server.crt")
            + " -c ssl_key_file="
            + dir.resolve("server.key"),
        "start");
    return pg;
  }

  public int port() {
    return port;
  }

  /** The PEM file of the CA that issued the server's certificate. */
  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  /** The PEM file of another CA, which issued nothing this server holds. */
  public Path otherCaFile() {
    return dir.resolve("other-ca.pem");
  }

  private Path logFile() {
    return dir.resolve("server.log");
  }

  private Path data() {
    return dir.resolve("data");
  }

  private void certificates() throws IOException, InterruptedException {
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    for (String ca : List.of("ca", "other-ca")) {
      openssl(
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "2",
          "-keyout",
          ca + ".key",
          "-out",
          ca + ".pem",
          "-subj",
          "/CN=paystream test " + ca);
    }
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost");
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.crt");
    run(List.of("chmod", "600", dir.resolve("server.key").toString()));
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("openssl " + args[0] + " failed");
    }
  }

  /** initdb and postgres refuse to run as root: as root, they run as the postgres user. */
  private void asServerUser(String... command) throws IOException, InterruptedException {
    List<String> c = new ArrayList<>();
    if (root()) {
      c.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    c.addAll(List.of(command));
    run(c);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Path serverBinaries() throws IOException {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
          .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries"));
    }
  }

  /** Stops the server and removes everything it had; an interrupt is kept on the thread. */
  @Override
  public void close() throws IOException {
    try {
      asServerUser(
          bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "stop");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
