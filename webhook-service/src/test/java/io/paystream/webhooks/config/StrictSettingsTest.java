package io.paystream.webhooks.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.DeployedConfig;
import io.paystream.shared.web.CommonConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A mistyped setting stops the service at start, naming the variable, the value and what is
 * accepted, instead of running as false ({@code WEBHOOK_ALLOW_PRIVATE_TARGETS=ture}) or as 2 days
 * ({@code DELIVERY_RETENTION=30}, which is seconds); an unset one keeps its default.
 */
class StrictSettingsTest {
  private static final Map<String, Class<?>> FLAGS =
      Map.of(
          "WEBHOOK_ALLOW_PRIVATE_TARGETS", WebhooksConfig.class,
          "WEBHOOK_RETRY_INTERVALS_TEST", WebhooksConfig.class,
          "REQUIRE_ENCRYPTION_KEY", CommonConfig.class,
          "PAYSTREAM_HTTP_LOCAL_NAMES_ONLY", CommonConfig.class);

  @Test
  void aFlagOtherThanTrueOrFalseStopsTheService() {
    DeployedConfig.assertFlagsStrict(FLAGS);
  }

  @Test
  void theVariablesOfQuarkusOwnSettingsAreReadStrictlyAndReachThem() {
    DeployedConfig.assertServerSettingsStrict();
  }

  @Test
  void flagsAreReadInAnyCase() {
    WebhooksConfig.Delivery d =
        DeployedConfig.of(
                WebhooksConfig.class,
                Map.of(
                    "WEBHOOK_ALLOW_PRIVATE_TARGETS",
                    "TRUE",
                    "WEBHOOK_RETRY_INTERVALS_TEST",
                    "True"))
            .delivery();
    assertTrue(d.allowPrivateTargets());
    assertTrue(d.retryIntervalsTest());
  }

  @Test
  void unsetVariablesKeepTheirDefaults() {
    WebhooksConfig.Delivery d = DeployedConfig.of(WebhooksConfig.class, Map.of()).delivery();
    assertFalse(d.allowPrivateTargets());
    assertFalse(d.retryIntervalsTest());
    assertEquals(Duration.ofDays(30), d.retention());
    CommonConfig common = DeployedConfig.of(CommonConfig.class, Map.of());
    assertFalse(common.requireEncryptionKey());
    assertFalse(common.http().localNamesOnly());
  }

  @Test
  void aRetentionUnderTwoDaysStopsTheService() {
    for (String value : List.of("30", "1d", "47h", "-5d", "30 days", "")) {
      DeployedConfig.assertRefused(
          WebhooksConfig.class,
          "DELIVERY_RETENTION",
          value,
          "DELIVERY_RETENTION must be a duration of at least 2 days (30d, 72h), not \""
              + value
              + "\"");
    }
    for (Map.Entry<String, Duration> read :
        Map.of("2d", Duration.ofDays(2), "48h", Duration.ofHours(48), "P90D", Duration.ofDays(90))
            .entrySet()) {
      assertEquals(
          read.getValue(),
          DeployedConfig.of(WebhooksConfig.class, Map.of("DELIVERY_RETENTION", read.getKey()))
              .delivery()
              .retention(),
          read.getKey());
    }
  }
}
