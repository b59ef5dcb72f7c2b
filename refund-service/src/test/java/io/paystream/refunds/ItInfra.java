package io.paystream.refunds;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.testing.RealInfraResource;
import io.paystream.shared.testing.TcpProxy;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The infrastructure of the {@code *IT} tests: their own database ({@code paystream_refunds_it},
 * schema dropped first) and Redis database index (5, flushed first), the environment that points
 * service processes at them, and clients for the test itself.
 */
public final class ItInfra implements AutoCloseable {
  public static final int REDIS_DB = 5;
  private static final String DATABASE = "paystream_refunds_it";

  private final Map<String, String> env = new HashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private final Redis redis;
  private final RedisStreams streams;
  private final Db db;
  private final String user;
  private final List<Redis> others = new ArrayList<>();

  private ItInfra(Map<String, String> config) {
    String pg = config.get("quarkus.datasource.reactive.url"); // postgresql://host:port/db
    user = config.get("quarkus.datasource.username");
    String redisUrl = config.get("quarkus.redis.hosts");
    env.put("DATABASE_URL", pg.replace("postgresql://", "postgresql://" + user + "@"));
    env.put("REDIS_URL", redisUrl);
    env.put("TEST_MODE", "true");
    env.put("DB_POOL_SIZE", "8");
    env.put("RATE_LIMIT_PER_SECOND", "0");
    redis = Redis.createClient(vertx, redisUrl);
    streams = new RedisStreams(redis);
    db = new Db(config.get("quarkus.datasource.jdbc.url"), user);
  }

  /** A fresh database and Redis index. */
  public static ItInfra prepare() {
    RealInfraResource resource = new RealInfraResource();
    resource.init(
        Map.of("database", DATABASE, "schemas", "refunds", "redisDb", Integer.toString(REDIS_DB)));
    return new ItInfra(resource.start());
  }

  /** Starts a service instance with the common environment plus {@code extra}. */
  public ServiceProcess start(String name, Map<String, String> extra) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(extra);
    return ServiceProcess.start(name, all);
  }

  /** {@code DATABASE_URL} of this database reached through {@code proxy}. */
  public String databaseUrlVia(TcpProxy proxy) {
    return "postgresql://" + user + "@127.0.0.1:" + proxy.port() + "/" + DATABASE;
  }

  public RedisStreams streams() {
    return streams;
  }

  public Db db() {
    return db;
  }

  /** Plays payments-service, reporting as a running instance does until this closes. */
  public Upstream upstream() {
    return new Upstream(streams, db).reporting(vertx);
  }

  /** The same, on another Redis (a private server a test stops or pauses). */
  public Upstream upstreamOn(String redisUrl) {
    Redis other = Redis.createClient(vertx, redisUrl);
    others.add(other);
    return new Upstream(new RedisStreams(other), db).reporting(vertx);
  }

  @Override
  public void close() {
    others.forEach(Redis::close);
    redis.close();
    vertx.closeAndAwait();
  }
}
