package io.paystream.webhooks.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.paystream.shared.testing.DeployedConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a deployment with no settings gets is API.md's: the tests' profile allows loopback targets,
 * runs the short retry schedule and overlaps rotated secrets for seconds, so nothing else checks
 * it.
 */
class DeployedDefaultsTest {
  @Test
  void aDeploymentWithNoSettingsGetsTheContractsNumbers() {
    WebhooksConfig.Delivery d = DeployedConfig.of(WebhooksConfig.class).delivery();
    assertFalse(d.allowPrivateTargets(), "WEBHOOK_ALLOW_PRIVATE_TARGETS defaults to false");
    assertFalse(d.retryIntervalsTest(), "WEBHOOK_RETRY_INTERVALS_TEST defaults to false");
    assertEquals(Duration.ofSeconds(5), d.timeout(), "success is a 2xx within 5 s");
    assertEquals(Duration.ofHours(24), d.secretOverlap(), "a replaced secret signs for 24 h");
    assertEquals(Duration.ofDays(30), d.retention());
  }
}
