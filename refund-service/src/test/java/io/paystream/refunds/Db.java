package io.paystream.refunds;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain JDBC on the service's database, for setting up and checking what the tests assert. */
public final class Db {
  private static final String TOO_MANY_CONNECTIONS = "53300";

  private final String url;
  private final String user;

  public Db(String url, String user) {
    this.url = url;
    this.user = user;
  }

  /** The database of the running {@code @QuarkusTest} application. */
  public static Db ofTestApplication() {
    var config = ConfigProvider.getConfig();
    return new Db(
        config.getValue("quarkus.datasource.jdbc.url", String.class),
        config.getValue("quarkus.datasource.username", String.class));
  }

  /** The first column of the first row as a number ({@code 0} when there is no row). */
  public long number(String sql, Object... args) {
    Object v = value(sql, args);
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** The first column of the first row, or {@code null}. */
  public Object value(String sql, Object... args) {
    try (Connection c = connect();
        PreparedStatement s = prepare(c, sql, args);
        ResultSet rs = s.executeQuery()) {
      return rs.next() ? rs.getObject(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a statement; returns the rows it changed. */
  public int update(String sql, Object... args) {
    try (Connection c = connect();
        PreparedStatement s = prepare(c, sql, args)) {
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A connection; while the server is at its connection limit (other suites share it), waits for a
   * slot for up to 15 s.
   */
  private Connection connect() throws SQLException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      try {
        return DriverManager.getConnection(url, user, "");
      } catch (SQLException e) {
        if (!TOO_MANY_CONNECTIONS.equals(e.getSQLState()) || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      s.setObject(i + 1, args[i]);
    }
    return s;
  }
}
