package io.paystream.shared.config;

import io.smallrye.config.EnvConfigSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps the deployment's {@code DATABASE_URL} ({@code postgresql://user[:pass]@host:5432/db}) and
 * {@code REDIS_URL} ({@code redis://host:6379[/db]}) onto Quarkus' datasource and Redis keys. The
 * URL's {@code sslmode} and {@code sslrootcert} mean what they mean to {@code psql}, for both of
 * the service's PostgreSQL drivers ({@link DatabaseTls}).
 *
 * <p>Its ordinal (275) sits above {@code application.properties} (250) and below environment
 * variables (300), so an explicit {@code QUARKUS_DATASOURCE_…} variable still wins. It is an
 * environment source, which Quarkus does not record into the package at build time as it does other
 * sources' values: the building machine's URLs, credentials included, would otherwise become the
 * package's defaults.
 */
public final class EnvUrlConfigSource extends EnvConfigSource {
  public EnvUrlConfigSource() {
    this(System.getenv());
  }

  EnvUrlConfigSource(Map<String, String> env) {
    super(properties(env), 275);
  }

  private static Map<String, String> properties(Map<String, String> env) {
    Map<String, String> p = new HashMap<>();
    String db = env.get("DATABASE_URL");
    if (db != null && !db.isBlank()) {
      p.putAll(database(db.trim()));
    }
    String redis = env.get("REDIS_URL");
    if (redis != null && !redis.isBlank()) {
      p.put("quarkus.redis.hosts", redis(redis.trim()));
    }
    return Map.copyOf(p);
  }

  /** The Quarkus datasource keys for one PostgreSQL URL. */
  static Map<String, String> database(String url) {
    URI uri = parse("DATABASE_URL", url);
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException("DATABASE_URL must start with postgresql://");
    }
    String host = uri.getHost() == null ? "localhost" : uri.getHost();
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    String path =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
    String address = host + ":" + port + path;

    Map<String, String> p = new HashMap<>();
    DatabaseTls tls = DatabaseTls.of(uri.getRawQuery());
    p.put("quarkus.datasource.reactive.url", "postgresql://" + address + tls.reactiveQuery());
    p.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + address + tls.jdbcQuery());
    p.putAll(tls.reactiveProperties());
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      p.put(
          "quarkus.datasource.username",
          decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        p.put("quarkus.datasource.password", decode(userInfo.substring(colon + 1)));
      }
    }
    return p;
  }

  /**
   * The Redis URL as the client is to read it: {@code redis://} or {@code rediss://} (TLS), and a
   * database number or none, refused here by name otherwise (the client would fail later with an
   * error that names neither). The client form-decodes its user and password, where a {@code +}
   * would become a space: it is sent as {@code %2B}, so that a password reads the same as in {@code
   * DATABASE_URL} (a generated one with {@code +} in it works in both).
   */
  static String redis(String url) {
    URI uri = parse("REDIS_URL", url);
    String scheme = uri.getScheme();
    if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
      throw new IllegalArgumentException(
          "REDIS_URL must start with redis:// or rediss:// (redis://host:6379[/db])");
    }
    String path = uri.getRawPath();
    if (path != null && !path.isEmpty() && !path.matches("/[0-9]{0,9}")) {
      throw new IllegalArgumentException(
          "REDIS_URL: the path names the database by its number (redis://host:6379/2), not '"
              + path
              + "'");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.indexOf('+') < 0) {
      return url;
    }
    int at = url.indexOf(userInfo + "@");
    return url.substring(0, at)
        + userInfo.replace("+", "%2B")
        + url.substring(at + userInfo.length());
  }

  /**
   * Parses the URL in {@code variable}. A host that is not a host name (an underscore in it, say:
   * {@code paystream_db}) is refused here, by name: {@link URI} reads such an address as having no
   * host at all, and the drivers, which parse these URLs the same way, would connect to localhost
   * instead, as the default user. Nothing of the user or password part is repeated in the message.
   */
  private static URI parse(String variable, String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(variable + " is not a URL");
    }
    String authority = uri.getRawAuthority();
    if (uri.getHost() == null && authority != null && !authority.isEmpty()) {
      String address = authority.substring(authority.lastIndexOf('@') + 1);
      throw new IllegalArgumentException(
          variable
              + ": '"
              + address
              + "' is not a host name and port (a host name has letters, digits, '-' and '.'"
              + " only; an underscore is not allowed)");
    }
    return uri;
  }

  /**
   * Percent-decodes a URL's user or password. A {@code +} there is itself (form encoding's "space"
   * does not apply), as for libpq: a generated password with {@code +} in it stays the same.
   */
  static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
