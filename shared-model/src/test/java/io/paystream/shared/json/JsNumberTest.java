package io.paystream.shared.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsNumberTest {
  @Test
  void formatsLikeNumberToString() {
    // Expected values as printed by Node's String(x).
    assertEquals("66.66666666666667", JsNumber.format(200.0 / 3));
    assertEquals("100", JsNumber.format(100.0));
    assertEquals("0", JsNumber.format(-0.0));
    assertEquals("1e+21", JsNumber.format(1e21));
    assertEquals("100000000000000000000", JsNumber.format(1e20));
    assertEquals("1e-7", JsNumber.format(1e-7));
    assertEquals("0.000001", JsNumber.format(1e-6));
    assertEquals("5e-324", JsNumber.format(Double.MIN_VALUE));
    assertEquals("1.7976931348623157e+308", JsNumber.format(Double.MAX_VALUE));
    assertEquals("0.30000000000000004", JsNumber.format(0.1 + 0.2));
    assertEquals("null", JsNumber.format(Double.NaN));
    assertEquals("null", JsNumber.format(Double.POSITIVE_INFINITY));
    assertEquals("-2.5", JsNumber.format(-2.5));
  }

  @Test
  void longsBeyondTheSafeRangeBecomeTheNearestDouble() {
    assertEquals("9007199254740991", JsNumber.format(9007199254740991L));
    assertEquals("9007199254740992", JsNumber.format(9007199254740993L));
    assertEquals("9223372036854776000", JsNumber.format(Long.MAX_VALUE));
    assertEquals("-9223372036854776000", JsNumber.format(Long.MIN_VALUE));
  }
}
