package io.paystream.shared.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * A wall clock that a test steps forward or back under a service process, as NTP or a virtual
 * machine resumed from a pause would. A small library preloaded into the process ({@code
 * wallclock/wallclock.c}, compiled here with the machine's C compiler) adds the offset this class
 * writes to every reading of the real-time clock; the monotonic clock ({@code System.nanoTime()},
 * Vert.x timers) and waits for a duration run on untouched (a wait until a wall-clock deadline does
 * not: after a step back it ends at once). A step takes effect in the process within 100 ms.
 * (libfaketime does the same and more, but its handling of timed waits makes a JVM spin once the
 * offset is not zero.) {@code deploy/local/ensure-tools.sh cc} installs the compiler where it is
 * missing.
 */
public final class WallClock implements AutoCloseable {
  private final Path dir;
  private final Path library;
  private final Path offsetFile;
  private long offsetSeconds;

  private WallClock(Path dir) {
    this.dir = dir;
    this.library = dir.resolve("wallclock.so");
    this.offsetFile = dir.resolve("offset");
  }

  /** A clock at the real time, until {@link #step stepped}. */
  public static WallClock create() throws IOException, InterruptedException {
    WallClock clock = new WallClock(Files.createTempDirectory("wall-clock"));
    Path source = clock.dir.resolve("wallclock.c");
    try (InputStream in = WallClock.class.getResourceAsStream("/wallclock/wallclock.c")) {
      Files.copy(in, source);
    }
    if (compile(source, clock.library) != 0) {
      run(Path.of("..", "deploy", "local", "ensure-tools.sh").toAbsolutePath().normalize(), "cc");
      if (compile(source, clock.library) != 0) {
        throw new IllegalStateException("cannot compile " + source + " with cc");
      }
    }
    clock.write();
    return clock;
  }

  /** The environment that puts a process started with it on this clock. */
  public Map<String, String> env() {
    return Map.of("LD_PRELOAD", library.toString(), "WALLCLOCK_OFFSET_FILE", offsetFile.toString());
  }

  /** Moves the wall clock of every process on it by {@code by} (negative: back). */
  public void step(Duration by) {
    offsetSeconds += by.toSeconds();
    write();
  }

  @Override
  public void close() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  private void write() {
    try {
      Path next = dir.resolve("offset.next");
      Files.writeString(next, offsetSeconds + "\n");
      // Renamed into place: a process never reads a half-written offset.
      Files.move(next, offsetFile, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int compile(Path source, Path library) throws InterruptedException {
    try {
      return run(
          Path.of("cc"),
          "-shared",
          "-fPIC",
          "-O2",
          "-o",
          library.toString(),
          source.toString(),
          "-ldl");
    } catch (IOException noCompiler) {
      return -1;
    }
  }

  private static int run(Path command, String... args) throws IOException, InterruptedException {
    String[] line = new String[args.length + 1];
    line[0] = command.toString();
    System.arraycopy(args, 0, line, 1, args.length);
    return new ProcessBuilder(line).inheritIO().start().waitFor();
  }
}
