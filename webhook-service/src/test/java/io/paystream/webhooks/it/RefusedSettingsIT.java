package io.paystream.webhooks.it;

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
 * The packaged service stops at start, naming the variable, when a setting is mistyped rather than
 * guessing at it: {@code WEBHOOK_ALLOW_PRIVATE_TARGETS=ture} ran as false, {@code
 * DELIVERY_RETENTION=30} (seconds, where days were meant) as 2 days.
 */
class RefusedSettingsIT {
  @Test
  void withAMistypedFlagTheServiceDoesNotStart() throws Exception {
    assertRefused(
        "private-targets-mistyped",
        Map.of("WEBHOOK_ALLOW_PRIVATE_TARGETS", "ture"),
        "WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false (in any case), not \"ture\"");
  }

  @Test
  void withARetentionUnderTwoDaysTheServiceDoesNotStart() throws Exception {
    assertRefused(
        "retention-too-short",
        Map.of("DELIVERY_RETENTION", "30"),
        "DELIVERY_RETENTION must be a duration of at least 2 days (30d, 72h), not \"30\"");
  }

  private static void assertRefused(String name, Map<String, String> settings, String why)
      throws Exception {
    TestDatabases.recreate(Replicas.DB, "webhooks");
    TestDatabases.flushRedis(Replicas.REDIS_DB);
    Map<String, String> env = new HashMap<>(settings);
    env.put("DATABASE_URL", TestDatabases.databaseUrl(Replicas.DB));
    env.put("REDIS_URL", TestDatabases.redisUrl(Replicas.REDIS_DB));
    try (ServiceProcess p = ServiceProcess.start(name, Replicas.JAR, env)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive());
      String log = Files.readString(p.logFile().toPath());
      assertTrue(log.contains(why), log);
    }
  }
}
