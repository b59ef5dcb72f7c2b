package io.paystream.shared.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    URL properties = DeployedConfig.class.getClassLoader().getResource("application.properties");
    if (properties == null) {
      throw new IllegalStateException("no application.properties on the class path");
    }
    try {
      SmallRyeConfig config =
          new SmallRyeConfigBuilder()
              .addDefaultInterceptors()
              .withSources(new PropertiesConfigSource(properties), new EnvConfigSource(env, 300))
              // Quarkus' own reading of durations ("5s", "24h"), as the services get them.
              .withConverter(Duration.class, 200, new DurationConverter())
              .withProfile("prod")
              .withMapping(mapping)
              .withValidateUnknown(false)
              .build();
      return config.getConfigMapping(mapping);
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
}
