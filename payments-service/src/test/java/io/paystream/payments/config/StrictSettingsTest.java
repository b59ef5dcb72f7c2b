package io.paystream.payments.config;

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
          "TEST_MODE", PaymentsConfig.class,
          "TEST_PAYMENT_SUCCESS", PaymentsConfig.class,
          "SEED_TEST_MERCHANT", PaymentsConfig.class,
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
    PaymentsConfig on =
        DeployedConfig.of(
            PaymentsConfig.class,
            Map.of(
                "TEST_MODE",
                "TRUE",
                "TEST_PAYMENT_SUCCESS",
                "False",
                "SEED_TEST_MERCHANT",
                "false"));
    assertTrue(on.processing().testMode());
    assertFalse(on.processing().testSuccess());
    assertFalse(on.seedTestMerchant());
    CommonConfig common =
        DeployedConfig.of(
            CommonConfig.class,
            Map.of("REQUIRE_ENCRYPTION_KEY", "True", "PAYSTREAM_HTTP_LOCAL_NAMES_ONLY", "true"));
    assertTrue(common.requireEncryptionKey());
    assertTrue(common.http().localNamesOnly());
  }

  @Test
  void unsetVariablesKeepTheirDefaults() {
    PaymentsConfig config = DeployedConfig.of(PaymentsConfig.class, Map.of());
    assertFalse(config.processing().testMode());
    assertEquals(1000, config.processing().testDelay());
    assertTrue(config.processing().testSuccess());
    assertTrue(config.seedTestMerchant());
    assertEquals(1, config.passwords().parallel());
    CommonConfig common = DeployedConfig.of(CommonConfig.class, Map.of());
    assertFalse(common.requireEncryptionKey());
    assertFalse(common.http().localNamesOnly());
  }

  @Test
  void aNumberOutOfItsRangeStopsTheService() {
    for (String value : List.of("-5", "-1", "3600001", "5s", "1.5", "")) {
      DeployedConfig.assertRefused(
          PaymentsConfig.class,
          "TEST_PROCESSING_DELAY",
          value,
          "TEST_PROCESSING_DELAY must be a whole number of milliseconds from 0 to 3600000, not \""
              + value
              + "\"");
    }
    for (String value : List.of("0", "-1", "two", "")) {
      DeployedConfig.assertRefused(
          PaymentsConfig.class,
          "PASSWORD_CHECKS_PARALLEL",
          value,
          "PASSWORD_CHECKS_PARALLEL must be a whole number, at least 1, not \"" + value + "\"");
    }
  }

  @Test
  void numbersWithinTheirRangeAreRead() {
    PaymentsConfig config =
        DeployedConfig.of(
            PaymentsConfig.class,
            Map.of("TEST_PROCESSING_DELAY", "0", "PASSWORD_CHECKS_PARALLEL", "4"));
    assertEquals(0, config.processing().testDelay());
    assertEquals(4, config.passwords().parallel());
  }
}
