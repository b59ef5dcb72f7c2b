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
    assertEquals(
        "postgresql://db.internal:6543/pay?sslmode=disable",
        p.get("quarkus.datasource.reactive.url"));
    assertEquals(
        "jdbc:postgresql://db.internal:6543/pay?sslmode=disable",
        p.get("quarkus.datasource.jdbc.url"));
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
    assertEquals(
        "postgresql://localhost:5432/pay?sslmode=disable",
        q.get("quarkus.datasource.reactive.url"));
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
        "postgresql://localhost:5432/pay?sslmode=disable",
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

  @Test
  void refusesARedisUrlThatIsNoneNamingTheVariable() {
    for (String url :
        new String[] {
          "garbage", "rediss//cache", "localhost:6379", "http://cache:6379", "redis://cache/x"
        }) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new EnvUrlConfigSource(Map.of("REDIS_URL", url)),
              url);
      assertTrue(e.getMessage().startsWith("REDIS_URL"), url + ": " + e.getMessage());
    }
    for (String url :
        new String[] {"redis://cache", "redis://cache:6379/", "rediss://cache:6380/15"}) {
      assertEquals(
          url,
          new EnvUrlConfigSource(Map.of("REDIS_URL", url))
              .getProperties()
              .get("quarkus.redis.hosts"));
    }
  }

  private static Map<String, String> db(String url) {
    return new EnvUrlConfigSource(Map.of("DATABASE_URL", url)).getProperties();
  }

  @Test
  void withoutAnSslmodeNeitherDriverTriesTls() {
    var p = db("postgresql://app@db:5432/pay");
    assertEquals(
        "postgresql://db:5432/pay?sslmode=disable", p.get("quarkus.datasource.reactive.url"));
    assertEquals(
        "jdbc:postgresql://db:5432/pay?sslmode=disable", p.get("quarkus.datasource.jdbc.url"));
    assertFalse(p.containsKey("quarkus.datasource.reactive.trust-all"));
  }

  @Test
  void sslmodeRequireEncryptsWithoutCheckingTheCertificateInBothDrivers() {
    var p = db("postgresql://app@db:5432/pay?sslmode=require");
    assertEquals(
        "postgresql://db:5432/pay?sslmode=require", p.get("quarkus.datasource.reactive.url"));
    assertEquals(
        "jdbc:postgresql://db:5432/pay?sslmode=require", p.get("quarkus.datasource.jdbc.url"));
    assertEquals("true", p.get("quarkus.datasource.reactive.trust-all"));
    assertEquals(
        "true",
        db("postgresql://db/pay?sslmode=PREFER").get("quarkus.datasource.reactive.trust-all"));
  }

  @Test
  void verifyFullChecksTheCaOfSslrootcertAndTheHostName() {
    var p = db("postgresql://app@db:5432/pay?sslmode=verify-full&sslrootcert=%2Fetc%2Fpg%2Fca.pem");
    assertEquals(
        "postgresql://db:5432/pay?sslmode=verify-full", p.get("quarkus.datasource.reactive.url"));
    assertEquals(
        "jdbc:postgresql://db:5432/pay?sslrootcert=%2Fetc%2Fpg%2Fca.pem&sslmode=verify-full",
        p.get("quarkus.datasource.jdbc.url"));
    assertEquals("true", p.get("quarkus.datasource.reactive.trust-certificate-pem"));
    assertEquals(
        "/etc/pg/ca.pem", p.get("quarkus.datasource.reactive.trust-certificate-pem.certs"));
    assertEquals("HTTPS", p.get("quarkus.datasource.reactive.hostname-verification-algorithm"));
    assertFalse(p.containsKey("quarkus.datasource.reactive.trust-all"));

    var ca = db("postgresql://db/pay?sslrootcert=/ca.pem&sslmode=verify-ca");
    assertEquals("/ca.pem", ca.get("quarkus.datasource.reactive.trust-certificate-pem.certs"));
    assertFalse(ca.containsKey("quarkus.datasource.reactive.hostname-verification-algorithm"));
    // As for libpq, require with a CA given checks the certificate against it: verify-ca, for
    // both drivers (JDBC's require would not check it).
    var require = db("postgresql://db/pay?sslmode=require&sslrootcert=/ca.pem");
    assertEquals("/ca.pem", require.get("quarkus.datasource.reactive.trust-certificate-pem.certs"));
    assertFalse(require.containsKey("quarkus.datasource.reactive.trust-all"));
    assertEquals(
        "postgresql://db:5432/pay?sslmode=verify-ca",
        require.get("quarkus.datasource.reactive.url"));
    assertEquals(
        "jdbc:postgresql://db:5432/pay?sslrootcert=/ca.pem&sslmode=verify-ca",
        require.get("quarkus.datasource.jdbc.url"));
  }

  @Test
  void theReactiveClientGetsOnlyTheParametersItReads() {
    // Any other would reach the server as a setting, and the server would refuse the connection.
    var p =
        db(
            "postgresql://db/pay?connect_timeout=10&application_name=payments&target_session_attrs=read-write");
    assertEquals(
        "postgresql://db:5432/pay?application_name=payments&sslmode=disable",
        p.get("quarkus.datasource.reactive.url"));
    assertEquals(
        "jdbc:postgresql://db:5432/pay?connect_timeout=10&application_name=payments"
            + "&target_session_attrs=read-write&sslmode=disable",
        p.get("quarkus.datasource.jdbc.url"));
  }

  @Test
  void refusesWhatEitherDriverWouldMisreadByName() {
    for (String[] c :
        new String[][] {
          {"?sslmode=verify", "sslmode must be one of"},
          {"?sslmode=verify-full", "sslmode=verify-full needs sslrootcert"},
          {"?sslmode=verify-ca&sslrootcert=", "sslrootcert must name a PEM file"},
          {"?sslrootcert=/ca.pem", "sslrootcert is given without an sslmode"},
          {"?sslmode=require&sslcert=/c.pem&sslkey=/k.pem", "client certificates (sslcert)"},
        }) {
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> db("postgresql://app:s3cret@db/pay" + c[0]));
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertFalse(e.getMessage().contains("s3cret"));
    }
  }
}
