package io.paystream.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.web.CommonConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings a deployment gets from a service's own {@code application.properties}: the prod
 * profile, with no environment variable and no system property set, so that a test reads the
 * defaults the contract promises and not the ones the tests' profile puts in their place; or with
 * the environment variables a test gives, as an operator sets them.
 *
 * <pre>{@code
 * WebhooksConfig deployed = DeployedConfig.of(WebhooksConfig.class);
 * assertEquals(Duration.ofHours(24), deployed.delivery().secretOverlap());
 * assertThrows(ConfigValidationException.class,
 *     () -> DeployedConfig.of(WebhooksConfig.class, Map.of("WEBHOOK_ALLOW_PRIVATE_TARGETS", "yes")));
 * }</pre>
 */
public final class DeployedConfig {
  private DeployedConfig() {}

  /** The {@code @ConfigMapping} {@code mapping} as a deployment with no settings gets it. */
  public static <T> T of(Class<T> mapping) {
    return of(mapping, Map.of());
  }

  /**
   * The {@code @ConfigMapping} {@code mapping} as a deployment with the environment variables
   * {@code env} gets it.
   *
   * @throws io.smallrye.config.ConfigValidationException for a value the mapping refuses, as the
   *     service would at start
   */
  public static <T> T of(Class<T> mapping, Map<String, String> env) {
    return build(mapping, env).getConfigMapping(mapping);
  }

  private static SmallRyeConfig build(Class<?> mapping, Map<String, String> env) {
    URL properties = DeployedConfig.class.getClassLoader().getResource("application.properties");
    if (properties == null) {
      throw new IllegalStateException("no application.properties on the class path");
    }
    try {
      return new SmallRyeConfigBuilder()
          .addDefaultInterceptors()
          .withSources(new PropertiesConfigSource(properties), new EnvConfigSource(env, 300))
          // Quarkus' own reading of durations ("5s", "24h"), as the services get them.
          .withConverter(Duration.class, 200, new DurationConverter())
          .withProfile("prod")
          .withMapping(mapping)
          .withValidateUnknown(false)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that a deployment with {@code variable=value} does not start, the refusal saying {@code
   * message}.
   */
  public static void assertRefused(
      Class<?> mapping, String variable, String value, String message) {
    ConfigValidationException refused =
        assertThrows(
            ConfigValidationException.class,
            () -> of(mapping, Map.of(variable, value)),
            variable + "=" + value);
    assertTrue(refused.getMessage().contains(message), refused.getMessage());
  }

  /**
   * Asserts that each flag (its variable, and the mapping that reads it) refuses anything but true
   * or false: a typo, a shorthand, an empty value.
   */
  public static void assertFlagsStrict(Map<String, Class<?>> flags) {
    flags.forEach(
        (variable, mapping) -> {
          for (String value : List.of("maybe", "ture", "1", "yes", "off", "")) {
            assertRefused(
                mapping,
                variable,
                value,
                variable + " must be true or false (in any case), not \"" + value + "\"");
          }
        });
  }

  /**
   * Asserts that the variables setting Quarkus' own settings are read strictly ({@link
   * CommonConfig.Server}, the rate limits) and that Quarkus' settings take what they say: each
   * refuses a value Quarkus would guess at or choke on, naming the variable; values read well reach
   * {@code quarkus.http.port} and the others.
   */
  public static void assertServerSettingsStrict() {
    assertFlagsStrict(Map.of("ACCESS_LOG", CommonConfig.class, "LOG_JSON", CommonConfig.class));
    Map<String, List<String>> refusedNumbers =
        Map.of(
            "PORT", List.of("0", "65536", "-1", "http", "80.5", ""),
            "EVENT_LOOPS", List.of("0", "-2", "two", ""),
            "DB_POOL_SIZE", List.of("0", "-1", "16 connections", ""));
    refusedNumbers.forEach(
        (variable, values) -> {
          for (String value : values) {
            assertRefused(
                CommonConfig.class, variable, value, variable + " must be a whole number");
          }
        });
    for (String variable : List.of("RATE_LIMIT_PER_SECOND", "RATE_LIMIT_BURST")) {
      for (String value : List.of("abc", "NaN", "Infinity", "1e3", "-100", "")) {
        assertRefused(
            CommonConfig.class,
            variable,
            value,
            variable + " must be a number (such as 1000 or 150.5), not \"" + value + "\"");
      }
    }
    SmallRyeConfig config =
        build(
            CommonConfig.class,
            Map.of(
                "PORT", "9123",
                "EVENT_LOOPS", "3",
                "DB_POOL_SIZE", " 7 ",
                "ACCESS_LOG", "FALSE",
                "LOG_JSON", "False",
                "RATE_LIMIT_PER_SECOND", "150.5"));
    CommonConfig.Server server = config.getConfigMapping(CommonConfig.class).server();
    assertEquals(9123, server.port());
    assertEquals(3, server.eventLoops());
    assertEquals(7, server.dbPoolSize());
    assertFalse(server.accessLog());
    assertFalse(server.logJson());
    assertEquals(150.5, config.getConfigMapping(CommonConfig.class).rateLimit().perSecond());
    assertEquals(9123, config.getValue("quarkus.http.port", Integer.class));
    assertEquals(3, config.getValue("quarkus.vertx.event-loops-pool-size", Integer.class));
    assertEquals(7, config.getValue("quarkus.datasource.reactive.max-size", Integer.class));
    assertFalse(config.getValue("quarkus.http.access-log.enabled", Boolean.class));
    assertFalse(config.getValue("quarkus.log.console.json.enabled", Boolean.class));
    CommonConfig.Server unset = of(CommonConfig.class).server();
    assertTrue(unset.accessLog());
    assertTrue(unset.logJson());
    assertEquals(2, unset.eventLoops());
    assertEquals(16, unset.dbPoolSize());
  }
}
