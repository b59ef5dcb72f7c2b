package io.paystream.webhooks.it;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import io.restassured.RestAssured;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packaged webhook-service instances as processes, on their own database ({@code
 * paystream_webhooks_it}) and Redis database index (6), and what the tests need around them.
 */
final class Replicas implements AutoCloseable {
  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  static final String DB = "paystream_webhooks_it";
  static final int REDIS_DB = 6;

  private final Vertx vertx = Vertx.vertx();
  private final Redis redis;

  private Replicas() {
    this.redis = Redis.createClient(vertx, TestDatabases.redisUrl(REDIS_DB));
  }

  /** Empties the database's schema and the Redis index, then gives access to the streams. */
  static Replicas fresh() throws SQLException, IOException {
    TestDatabases.recreate(DB, "webhooks");
    TestDatabases.flushRedis(REDIS_DB);
    RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    return new Replicas();
  }

  RedisStreams streams() {
    return new RedisStreams(redis);
  }

  /** Starts an instance with the test settings and {@code extra}; waits until it is ready. */
  ServiceProcess start(String name, Map<String, String> extra)
      throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", TestDatabases.databaseUrl(DB));
    env.put("REDIS_URL", TestDatabases.redisUrl(REDIS_DB));
    env.put("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true");
    env.put("WEBHOOK_RETRY_INTERVALS_TEST", "true");
    env.put("RATE_LIMIT_PER_SECOND", "0");
    env.putAll(extra);
    ServiceProcess p = ServiceProcess.start(name, JAR, env);
    p.awaitHttp("/q/health/ready", Duration.ofSeconds(120));
    return p;
  }

  /** The instance's count of attempts with this result, from its metrics. */
  static double attempts(ServiceProcess p, String result) {
    String metrics = RestAssured.given().baseUri(p.baseUrl()).port(-1).get("/q/metrics").asString();
    Matcher m =
        Pattern.compile(
                "paystream_webhook_attempts_total\\{result=\"" + result + "\"\\} ([0-9.E]+)")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** One number from the test database. */
  static long count(String sql) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + TestDatabases.postgres() + "/" + DB,
                TestDatabases.user(),
                "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    redis.close();
    vertx.closeAndAwait();
  }
}
