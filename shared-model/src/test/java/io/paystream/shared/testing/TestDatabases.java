package io.paystream.shared.testing;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Prepares the real local servers for a test suite: its own database (created when missing, the
 * service's schemas dropped so migrations run from scratch) and its own Redis database index.
 *
 * <p>Addresses: {@code PAYSTREAM_TEST_PG} ({@code host:port}, default {@code localhost:5432}),
 * {@code PAYSTREAM_TEST_PG_USER} (default {@code postgres}, no password), {@code
 * PAYSTREAM_TEST_REDIS} (default {@code localhost:6379}).
 */
public final class TestDatabases {
  private TestDatabases() {}

  /** A reactive pool of up to {@code maxSize} connections to {@code database}. */
  public static Pool pool(Vertx vertx, String database, int maxSize) {
    return pool(vertx, database, maxSize, Map.of());
  }

  /**
   * A reactive pool of up to {@code maxSize} connections to {@code database}, whose sessions start
   * with the run-time {@code settings} given (such as {@code enable_seqscan}).
   */
  public static Pool pool(Vertx vertx, String database, int maxSize, Map<String, String> settings) {
    String[] hp = postgres().split(":");
    return pool(vertx, hp[0], Integer.parseInt(hp[1]), database, maxSize, settings);
  }

  /** A proxy in front of the test PostgreSQL, which a test cuts off and restores at will. */
  public static TcpProxy proxy() throws IOException {
    String[] hp = postgres().split(":");
    return TcpProxy.start(hp[0], Integer.parseInt(hp[1]));
  }

  /**
   * A reactive pool of up to {@code maxSize} connections to {@code database} through {@code proxy}.
   */
  public static Pool pool(Vertx vertx, TcpProxy proxy, String database, int maxSize) {
    return pool(vertx, "127.0.0.1", proxy.port(), database, maxSize, Map.of());
  }

  private static Pool pool(
      Vertx vertx,
      String host,
      int port,
      String database,
      int maxSize,
      Map<String, String> settings) {
    PgConnectOptions options =
        new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(user());
    settings.forEach(options::addProperty);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(maxSize))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  public static String postgres() {
    return env("PAYSTREAM_TEST_PG", "localhost:5432");
  }

  public static String user() {
    return env("PAYSTREAM_TEST_PG_USER", "postgres");
  }

  public static String redis() {
    return env("PAYSTREAM_TEST_REDIS", "localhost:6379");
  }

  /** {@code DATABASE_URL} of a test database. */
  public static String databaseUrl(String database) {
    return "postgresql://" + user() + "@" + postgres() + "/" + database;
  }

  /** {@code REDIS_URL} of a Redis database index. */
  public static String redisUrl(int db) {
    return "redis://" + redis() + "/" + db;
  }

  /** Creates the database when missing and drops the given schemas in it. */
  public static void recreate(String pg, String user, String database, String... schemas)
      throws SQLException {
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://" + pg + "/postgres", user, "");
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + database);
      }
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://" + pg + "/" + database, user, "");
        Statement s = c.createStatement()) {
      for (String schema : schemas) {
        if (!schema.isBlank()) {
          s.execute("DROP SCHEMA IF EXISTS " + schema.trim() + " CASCADE");
        }
      }
    }
  }

  /** {@link #recreate} on the default server. */
  public static void recreate(String database, String... schemas) throws SQLException {
    recreate(postgres(), user(), database, schemas);
  }

  /**
   * The first column of the first row of {@code sql} run with one text parameter on {@code
   * database} of the default server, straight over JDBC (whatever a service under test can reach).
   */
  public static String queryOne(String database, String sql, String parameter) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + postgres() + "/" + database, user(), "");
        var s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      var rs = s.executeQuery();
      rs.next();
      return rs.getString(1);
    }
  }

  /** Empties one Redis database index. */
  public static void flushRedis(String address, int db) throws IOException {
    String[] hp = address.split(":");
    try (Socket socket = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      String index = Integer.toString(db);
      String cmd =
          "*2\r\n$6\r\nSELECT\r\n$"
              + index.length()
              + "\r\n"
              + index
              + "\r\n*1\r\n$7\r\nFLUSHDB\r\n";
      out.write(cmd.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder reply = new StringBuilder();
      for (int lines = 0, b; lines < 2 && (b = in.read()) >= 0; ) {
        reply.append((char) b);
        if (b == '\n') {
          lines++;
        }
      }
      if (!reply.toString().startsWith("+OK")) {
        throw new IOException("Redis refused SELECT/FLUSHDB: " + reply.toString().trim());
      }
    }
  }

  /** {@link #flushRedis} on the default server. */
  public static void flushRedis(int db) throws IOException {
    flushRedis(redis(), db);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
