package io.paystream.e2e;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;

/**
 * How long a service's migrations try to reach a database that never answers before the service
 * gives up and exits, saying why, as its {@code application.properties} set it up.
 *
 * <p>Flyway (12, {@code JdbcUtils.openConnection}) makes {@code connect-retries} + 1 tries and
 * sleeps between them 1 s, then twice as long each time, at most {@code connect-retries-interval}
 * (whole seconds). Each try asks the JDBC pool (Agroal) for a connection, which gives up after
 * {@code quarkus.datasource.jdbc.acquisition-timeout} (Quarkus' default: 5 s): a refused connection
 * or an unknown database within about a second (Agroal tries twice, a second apart), a host that
 * drops packets only then. Measured on a 2-core machine with 25 retries, 2 s apart, and a 2 s
 * timeout: 78 s from launch to exit against a closed port, 79 s against an unknown database, 104 s
 * against a server that never answers, where this gives 101 s of tries (with 60 retries and the
 * default timeout: 184 s and 188 s, past the probe's 180 s, where the old reckoning, tries times
 * interval, said 120 s).
 */
record FlywayRetryWindow(int retries, Duration interval, Duration perTry) {
  private static final Duration QUARKUS_ACQUISITION_TIMEOUT = Duration.ofSeconds(5);

  /** The window of {@code service} (a directory of the repository). */
  static FlywayRetryWindow of(String service) throws IOException {
    Properties p = new Properties();
    try (Reader in =
        Files.newBufferedReader(
            Stack.ROOT.resolve(service + "/src/main/resources/application.properties"))) {
      p.load(in);
    }
    return new FlywayRetryWindow(
        Integer.parseInt(p.getProperty("quarkus.flyway.connect-retries")),
        duration(p.getProperty("quarkus.flyway.connect-retries-interval")),
        p.containsKey("quarkus.datasource.jdbc.acquisition-timeout")
            ? duration(p.getProperty("quarkus.datasource.jdbc.acquisition-timeout"))
            : QUARKUS_ACQUISITION_TIMEOUT);
  }

  /** The sleeps between tries. */
  Duration sleeps() {
    long cap = Math.max(1, interval.toSeconds());
    long total = 0;
    long next = 1;
    for (int i = 0; i < retries; i++) {
      total += next;
      next = Math.min(next * 2, cap);
    }
    return Duration.ofSeconds(total);
  }

  /** The longest the tries take, every one of them waiting out the pool's timeout. */
  Duration longest() {
    return sleeps().plus(perTry.multipliedBy(retries + 1L));
  }

  private static Duration duration(String quarkusDuration) {
    return Duration.parse("PT" + quarkusDuration.strip());
  }
}
