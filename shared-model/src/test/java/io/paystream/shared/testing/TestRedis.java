package io.paystream.shared.testing;

import io.paystream.shared.stream.RedisStreams;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.io.IOException;

/** A Vert.x instance and a client of one Redis index, flushed first, for the length of a test. */
public final class TestRedis implements AutoCloseable {
  public final Vertx vertx;
  public final Redis redis;
  public final RedisStreams streams;

  private TestRedis(int db) {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestDatabases.redisUrl(db));
    streams = new RedisStreams(redis);
  }

  /** Flushes Redis index {@code db} and connects to it. */
  public static TestRedis flushed(int db) throws IOException {
    TestDatabases.flushRedis(db);
    return new TestRedis(db);
  }

  @Override
  public void close() {
    redis.close();
    vertx.closeAndAwait();
  }
}
