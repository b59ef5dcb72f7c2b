package io.paystream.refunds.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.testing.DeployedConfig;
import io.paystream.shared.web.CommonConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A mistyped setting stops the service at start, naming the variable, the value and what is
 * accepted, instead of running as false ({@code TEST_MODE=ture}) or as 0 ({@code
 * TEST_PROCESSING_DELAY=-5}); an unset one keeps its default.
 */
class StrictSettingsTest {
  private static final Map<String, Class<?>> FLAGS =
      Map.of(
          "TEST_MODE", RefundsConfig.class,
          "PROJECTION_REBUILD", RefundsConfig.class,
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
    RefundsConfig config =
        DeployedConfig.of(
            RefundsConfig.class, Map.of("TEST_MODE", "TRUE", "PROJECTION_REBUILD", "True"));
    assertTrue(config.processing().testMode());
    assertTrue(config.projection().rebuild());
    assertTrue(
        DeployedConfig.of(CommonConfig.class, Map.of("REQUIRE_ENCRYPTION_KEY", "true"))
            .requireEncryptionKey());
  }

  @Test
  void unsetVariablesKeepTheirDefaults() {
    RefundsConfig config = DeployedConfig.of(RefundsConfig.class, Map.of());
    assertFalse(config.processing().testMode());
    assertEquals(1000, config.processing().testDelay());
    assertFalse(config.projection().rebuild());
    assertFalse(DeployedConfig.of(CommonConfig.class, Map.of()).requireEncryptionKey());
  }

  @Test
  void aDelayOutOfItsRangeStopsTheService() {
    for (String value : List.of("-5", "3600001", "5s", "")) {
      DeployedConfig.assertRefused(
          RefundsConfig.class,
          "TEST_PROCESSING_DELAY",
          value,
          "TEST_PROCESSING_DELAY must be a whole number of milliseconds from 0 to 3600000, not \""
              + value
              + "\"");
    }
    assertEquals(
        0,
        DeployedConfig.of(RefundsConfig.class, Map.of("TEST_PROCESSING_DELAY", "0"))
            .processing()
            .testDelay());
  }
}
