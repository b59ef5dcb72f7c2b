package io.paystream.shared.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.redis.client.impl.RedisURI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvUrlConfigSourceTest {
  @Test
  void mapsDatabaseUrlWithAndWithoutPassword() {
    var p =
        new EnvUrlConfigSource(
                Map.of("DATABASE_URL", "postgresql://app:p%40ss@db.internal:6543/pay"))
            .getProperties();
    assertEquals("postgresql://db.internal:6543/pay", p.get("quarkus.datasource.reactive.url"));
    assertEquals("jdbc:postgresql://db.internal:6543/pay", p.get("quarkus.datasource.jdbc.url"));
    assertEquals("app", p.get("quarkus.datasource.username"));
    assertEquals("p@ss", p.get("quarkus.datasource.password"));

    var plus =
        new EnvUrlConfigSource(
                Map.of("DATABASE_URL", "postgresql://a+b:Zm9v+YmFy%2B%20x@db:5432/pay"))
            .getProperties();
    assertEquals("a+b", plus.get("quarkus.datasource.username"));
    assertEquals("Zm9v+YmFy+ x", plus.get("quarkus.datasource.password"));

    var q =
        new EnvUrlConfigSource(Map.of("DATABASE_URL", "postgres://app@localhost/pay"))
            .getProperties();
    assertEquals("postgresql://localhost:5432/pay", q.get("quarkus.datasource.reactive.url"));
    assertFalse(q.containsKey("quarkus.datasource.password"));
  }

  @Test
  void passesRedisUrlThroughAndIgnoresUnset() {
    var p = new EnvUrlConfigSource(Map.of("REDIS_URL", "redis://cache:6380/2")).getProperties();
    assertEquals("redis://cache:6380/2", p.get("quarkus.redis.hosts"));
    assertEquals(Map.of(), new EnvUrlConfigSource(Map.of()).getProperties());
  }

  @Test
  void aPlusInTheRedisPasswordReachesTheClientAsAPlus() {
    // As in DATABASE_URL: a generated password with + in it, and one percent-encoded.
    String hosts =
        new EnvUrlConfigSource(Map.of("REDIS_URL", "redis://app:Zm9v+YmFy%2B%20x@cache:6380/2"))
            .getProperties()
            .get("quarkus.redis.hosts");
    RedisURI read = new RedisURI(hosts);
    assertEquals("app", read.user());
    assertEquals("Zm9v+YmFy+ x", read.password());
    assertEquals(2, read.select());
    assertEquals("cache", read.socketAddress().host());
  }

  @Test
  void refusesAHostThatIsNotAHostNameNamingItWithoutTheCredentials() {
    var db =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new EnvUrlConfigSource(
                    Map.of("DATABASE_URL", "postgresql://payments:s3cret@paystream_db:5432/pay")));
    assertTrue(db.getMessage().startsWith("DATABASE_URL: 'paystream_db:5432' is not a host name"));
    assertFalse(db.getMessage().contains("s3cret"));
    var redis =
        assertThrows(
            IllegalArgumentException.class,
            () -> new EnvUrlConfigSource(Map.of("REDIS_URL", "redis://:pw@redis_cache:6379/1")));
    assertTrue(redis.getMessage().startsWith("REDIS_URL: 'redis_cache:6379' is not a host name"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new EnvUrlConfigSource(Map.of("REDIS_URL", "redis://cache host:6379")));
    // Without a host at all, the local default stands, as before.
    assertEquals(
        "postgresql://localhost:5432/pay",
        new EnvUrlConfigSource(Map.of("DATABASE_URL", "postgresql:///pay"))
            .getProperties()
            .get("quarkus.datasource.reactive.url"));
  }

  @Test
  void refusesOtherSchemes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new EnvUrlConfigSource(Map.of("DATABASE_URL", "mysql://x/y")));
  }
}
