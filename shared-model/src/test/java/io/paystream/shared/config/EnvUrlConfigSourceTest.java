package io.paystream.shared.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  void refusesOtherSchemes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new EnvUrlConfigSource(Map.of("DATABASE_URL", "mysql://x/y")));
  }
}
