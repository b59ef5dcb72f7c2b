package io.paystream.shared.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a service's tests at the real local PostgreSQL and Redis, each test suite in its own
 * database and Redis database index so that suites never see each other's data.
 *
 * <p>Before the application starts it creates the database when missing, drops the service's
 * schemas (the migrations then run from scratch) and flushes the Redis database index.
 *
 * <p>Init args: {@code database} (name), {@code schemas} (comma-separated), {@code redisDb}. The
 * server addresses come from {@code PAYSTREAM_TEST_PG} ({@code host:port}, default {@code
 * localhost:5432}, user {@code postgres}) and {@code PAYSTREAM_TEST_REDIS} ({@code host:port}).
 */
public final class RealInfraResource implements QuarkusTestResourceLifecycleManager {
  private String database;
  private String schemas;
  private int redisDb;

  @Override
  public void init(Map<String, String> args) {
    database = args.getOrDefault("database", "paystream_test");
    schemas = args.getOrDefault("schemas", "");
    redisDb = Integer.parseInt(args.getOrDefault("redisDb", "15"));
  }

  @Override
  public Map<String, String> start() {
    String pg = env("PAYSTREAM_TEST_PG", "localhost:5432");
    String user = env("PAYSTREAM_TEST_PG_USER", "postgres");
    String redis = env("PAYSTREAM_TEST_REDIS", "localhost:6379");
    try {
      prepareDatabase(pg, user);
      flushRedis(redis);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("test infrastructure is not reachable: " + e.getMessage(), e);
    }
    Map<String, String> config = new HashMap<>();
    config.put("quarkus.datasource.reactive.url", "postgresql://" + pg + "/" + database);
    config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + pg + "/" + database);
    config.put("quarkus.datasource.username", user);
    config.put("quarkus.redis.hosts", "redis://" + redis + "/" + redisDb);
    return config;
  }

  @Override
  public void stop() {}

  private void prepareDatabase(String pg, String user) throws SQLException {
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
      for (String schema : schemas.split(",")) {
        if (!schema.isBlank()) {
          s.execute("DROP SCHEMA IF EXISTS " + schema.trim() + " CASCADE");
        }
      }
    }
  }

  private void flushRedis(String address) throws IOException {
    String[] hp = address.split(":");
    try (Socket socket = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      String db = Integer.toString(redisDb);
      String cmd =
          "*2\r\n$6\r\nSELECT\r\n$" + db.length() + "\r\n" + db + "\r\n*1\r\n$7\r\nFLUSHDB\r\n";
      out.write(cmd.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int lines = 0;
      StringBuilder reply = new StringBuilder();
      while (lines < 2) {
        int b = in.read();
        if (b < 0) {
          break;
        }
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

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
