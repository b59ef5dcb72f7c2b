package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TestDatabases;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, told that a key is required ({@code REQUIRE_ENCRYPTION_KEY=true}) and given
 * none, stops at start with a message that says why, instead of sealing secrets under the public
 * development key.
 */
class EncryptionKeyRequiredIT {
  private static final String DB = "paystream_payments_it";

  @Test
  void withoutARequiredKeyTheServiceDoesNotStart() throws Exception {
    TestDatabases.recreate(DB, "payments");
    try (ServiceProcess p =
        ServiceProcess.start(
            "encryption-key-required",
            Instances.JAR,
            Map.of(
                "DATABASE_URL",
                TestDatabases.databaseUrl(DB),
                "REDIS_URL",
                TestDatabases.redisUrl(7),
                "REQUIRE_ENCRYPTION_KEY",
                "true",
                "ENCRYPTION_KEY",
                ""))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive());
      String log = Files.readString(p.logFile().toPath());
      assertTrue(log.contains("ENCRYPTION_KEY is not set, and REQUIRE_ENCRYPTION_KEY=true"), log);
    }
  }
}
