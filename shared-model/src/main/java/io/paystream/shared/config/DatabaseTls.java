package io.paystream.shared.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the query of a {@code DATABASE_URL} asks of TLS, said to each of a service's two PostgreSQL
 * drivers: the reactive client (every request) and JDBC (Flyway's migrations).
 *
 * <p>{@code sslmode} means what it means to libpq ({@code psql}): {@code allow}, {@code prefer} and
 * {@code require} encrypt without checking the server's certificate ({@code require} checks it when
 * {@code sslrootcert} names the CA), {@code verify-ca} checks it against the CA that {@code
 * sslrootcert} names (a PEM file, required), {@code verify-full} checks the host name too. Left
 * out, it is {@code disable} for both drivers alike: left to themselves, JDBC would try TLS and the
 * reactive client would not, so a server that insists on TLS would let the migrations in and refuse
 * every request. The reactive client reads only some of libpq's parameters and sends the rest to
 * the server as settings, which the server refuses: only those it reads reach it. Client
 * certificates are refused by name, since the services log in with a user name and password.
 *
 * <pre>{@code
 * postgresql://payments:…@db.internal:5432/paystream?sslmode=verify-full&sslrootcert=/etc/pg/ca.pem
 * }</pre>
 */
final class DatabaseTls {
  private static final Set<String> MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  /** The parameters the reactive client reads; any other would reach the server as a setting. */
  private static final Set<String> REACTIVE_READS =
      Set.of(
          "host",
          "hostaddr",
          "port",
          "user",
          "password",
          "dbname",
          "application_name",
          "fallback_application_name",
          "search_path",
          "options");

  private static final Set<String> CLIENT_CERTIFICATES = Set.of("sslcert", "sslkey", "sslpassword");

  private final String reactiveQuery;
  private final String jdbcQuery;
  private final Map<String, String> reactiveProperties;

  private DatabaseTls(
      String reactiveQuery, String jdbcQuery, Map<String, String> reactiveProperties) {
    this.reactiveQuery = reactiveQuery;
    this.jdbcQuery = jdbcQuery;
    this.reactiveProperties = reactiveProperties;
  }

  /** Reads a URL's raw query ({@code null} when it has none). */
  static DatabaseTls of(String rawQuery) {
    List<String> reactive = new ArrayList<>();
    List<String> jdbc = new ArrayList<>();
    String mode = null;
    String rootCert = null;
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String part : rawQuery.split("&")) {
        if (part.isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        String key = EnvUrlConfigSource.decode(eq < 0 ? part : part.substring(0, eq));
        String value = eq < 0 ? "" : EnvUrlConfigSource.decode(part.substring(eq + 1));
        if (CLIENT_CERTIFICATES.contains(key)) {
          throw new IllegalArgumentException(
              "DATABASE_URL: client certificates ("
                  + key
                  + ") are not supported; the services log in with a user name and password");
        }
        if (key.equals("sslmode")) {
          mode = value.toLowerCase(Locale.ROOT);
          if (!MODES.contains(mode)) {
            throw new IllegalArgumentException(
                "DATABASE_URL: sslmode must be one of disable, allow, prefer, require, verify-ca,"
                    + " verify-full");
          }
          continue;
        }
        if (key.equals("sslrootcert")) {
          if (value.isBlank()) {
            throw new IllegalArgumentException(
                "DATABASE_URL: sslrootcert must name a PEM file of the CA");
          }
          rootCert = value;
        } else if (REACTIVE_READS.contains(key)) {
          reactive.add(part);
        }
        jdbc.add(part);
      }
    }
    if (mode == null) {
      if (rootCert != null) {
        throw new IllegalArgumentException(
            "DATABASE_URL: sslrootcert is given without an sslmode (verify-full, say)");
      }
      mode = "disable";
    }
    if (mode.equals("require") && rootCert != null) {
      // libpq checks the certificate then, as verify-ca does; JDBC would not, unless told so.
      mode = "verify-ca";
    }
    if (mode.startsWith("verify-") && rootCert == null) {
      throw new IllegalArgumentException(
          "DATABASE_URL: sslmode=" + mode + " needs sslrootcert, the PEM file of the CA to check");
    }
    reactive.add("sslmode=" + mode);
    jdbc.add("sslmode=" + mode);
    return new DatabaseTls(
        "?" + String.join("&", reactive),
        "?" + String.join("&", jdbc),
        reactiveProperties(mode, rootCert));
  }

  private static Map<String, String> reactiveProperties(String mode, String rootCert) {
    if (mode.equals("disable")) {
      return Map.of();
    }
    if (!mode.startsWith("verify-")) {
      return Map.of("quarkus.datasource.reactive.trust-all", "true");
    }
    Map<String, String> p = new HashMap<>();
    p.put("quarkus.datasource.reactive.trust-certificate-pem", "true");
    p.put("quarkus.datasource.reactive.trust-certificate-pem.certs", rootCert);
    if (mode.equals("verify-full")) {
      p.put("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS");
    }
    return Map.copyOf(p);
  }

  /** The query of the reactive client's URL, {@code ?…}. */
  String reactiveQuery() {
    return reactiveQuery;
  }

  /** The query of the JDBC URL, {@code ?…}. */
  String jdbcQuery() {
    return jdbcQuery;
  }

  /** The reactive client's TLS keys. */
  Map<String, String> reactiveProperties() {
    return reactiveProperties;
  }
}
