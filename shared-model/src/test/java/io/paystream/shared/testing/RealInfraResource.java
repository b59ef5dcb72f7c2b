package io.paystream.shared.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.sql.SQLException;
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
    String pg = TestDatabases.postgres();
    String user = TestDatabases.user();
    String redis = TestDatabases.redis();
    try {
      TestDatabases.recreate(pg, user, database, schemas.split(","));
      TestDatabases.flushRedis(redis, redisDb);
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
}
