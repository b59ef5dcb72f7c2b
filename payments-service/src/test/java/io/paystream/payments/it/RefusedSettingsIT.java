package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged service stops at start, with a message that says why, when its settings break a
 * promise: told that a key is required ({@code REQUIRE_ENCRYPTION_KEY=true}) and given none,
 * instead of sealing secrets under the public development key; told to limit merchants below the
 * contract's 100 requests/s; or given a value it would otherwise have to guess at ({@code
 * TEST_MODE=maybe} ran as false, {@code TEST_PROCESSING_DELAY=-5} as 0, {@code LOG_JSON=ture} as
 * false; {@code PORT=70000} failed deep in the start-up, behind a dozen unrelated errors).
 */
class RefusedSettingsIT {
  private static final String DB = "paystream_payments_it";

  @Test
  void withoutARequiredKeyTheServiceDoesNotStart() throws Exception {
    assertRefused(
        "encryption-key-required",
        Map.of("REQUIRE_ENCRYPTION_KEY", "true", "ENCRYPTION_KEY", ""),
        "ENCRYPTION_KEY is not set, and REQUIRE_ENCRYPTION_KEY=true");
  }

  @Test
  void withARateLimitBelowTheFloorTheServiceDoesNotStart() throws Exception {
    assertRefused(
        "rate-limit-below-floor",
        Map.of("RATE_LIMIT_PER_SECOND", "50"),
        "RATE_LIMIT_PER_SECOND must be 0 (no limit) or at least 100, not 50.0");
  }

  @Test
  void withAMistypedFlagTheServiceDoesNotStart() throws Exception {
    assertRefused(
        "test-mode-mistyped",
        Map.of("TEST_MODE", "maybe"),
        "TEST_MODE must be true or false (in any case), not \"maybe\"");
  }

  @Test
  void withAMistypedSettingOfQuarkusOwnTheServiceDoesNotStart() throws Exception {
    assertRefused(
        "log-json-mistyped",
        Map.of("LOG_JSON", "ture"),
        "LOG_JSON must be true or false (in any case), not \"ture\"");
    assertRefused(
        "port-out-of-range",
        Map.of("PORT", "70000"),
        "PORT must be a whole number from 1 to 65535, not \"70000\"");
  }

  @Test
  void withANegativeDelayTheServiceDoesNotStart() throws Exception {
    assertRefused(
        "test-delay-negative",
        Map.of("TEST_PROCESSING_DELAY", "-5"),
        "TEST_PROCESSING_DELAY must be a whole number of milliseconds from 0 to 3600000, not"
            + " \"-5\"");
  }

  private static void assertRefused(String name, Map<String, String> settings, String why)
      throws Exception {
    TestDatabases.recreate(DB, "payments");
    Map<String, String> env = new HashMap<>(settings);
    env.put("DATABASE_URL", TestDatabases.databaseUrl(DB));
    env.put("REDIS_URL", TestDatabases.redisUrl(7));
    try (ServiceProcess p = ServiceProcess.start(name, Instances.JAR, env)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive());
      String log = Files.readString(p.logFile().toPath());
      assertTrue(log.contains(why), log);
    }
  }
}
