package io.paystream.payments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.YearMonth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CardRulesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "4111111111111111",
        "5555555555554444",
        "378282246310005",
        "6011111111111117",
        "4222222222222",
        "6759649826438453",
        "4000000000000002",
        "4111111111111111110",
        "4000000000000000006"
      })
  void acceptsKnownGoodNumbers(String number) {
    assertTrue(CardRules.isValidNumber(number));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4111111111111112",
        "411111111111",
        "41111111111111111111",
        "4222222222223",
        "4111111111111111111",
        "4000000000000000007",
        "1234567812345678",
        ""
      })
  void refusesBadLuhnAndLengths(String number) {
    assertFalse(CardRules.isValidNumber(number));
  }

  @Test
  void stripsSpacesAndDashesOnly() {
    assertEquals("4111111111111111", CardRules.digits("4111 1111-1111 1111"));
    assertNull(CardRules.digits("4111.1111.1111.1111"));
  }

  @ParameterizedTest
  @CsvSource({
    "4111,visa",
    "5100,mastercard",
    "5599,mastercard",
    "5600,unknown",
    "3400,amex",
    "3700,amex",
    "3500,unknown",
    "6000,rupay",
    "6500,rupay",
    "8100,rupay",
    "8900,rupay",
    "9000,unknown",
    "6011,rupay"
  })
  void networksByPrefix(String prefix, String network) {
    assertEquals(network, CardRules.network(prefix + "000000000"));
  }

  @Test
  void expiryIsValidThroughItsMonth() {
    YearMonth now = YearMonth.of(2026, 11);
    assertFalse(CardRules.isExpired(11, 2026, now));
    assertTrue(CardRules.isExpired(10, 2026, now));
    assertFalse(CardRules.isExpired(1, 2027, now));
    assertEquals(2030, CardRules.fullYear("30"));
    assertEquals(2030, CardRules.fullYear("2030"));
    assertEquals(-1, CardRules.fullYear("203"));
  }
}
