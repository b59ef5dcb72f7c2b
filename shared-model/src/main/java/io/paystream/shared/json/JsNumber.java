package io.paystream.shared.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats numbers exactly as JavaScript's {@code Number.prototype.toString()} does, which is what
 * {@code JSON.stringify} writes.
 *
 * <p>JSON numbers are doubles in JavaScript, so a receiver that runs {@code
 * JSON.stringify(JSON.parse(body))} rewrites {@code 1.50} as {@code 1.5}, {@code 1e21} as {@code
 * 1e+21} and {@code 12345678901234567890} as {@code 12345678901234567000}. Writing numbers this way
 * keeps our bytes identical to that round trip.
 */
public final class JsNumber {
  /** The largest integer JavaScript holds exactly, 2^53 - 1 ({@code Number.MAX_SAFE_INTEGER}). */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private JsNumber() {}

  /** Formats an integer; exact when it is a safe integer, otherwise as the nearest double. */
  public static String format(long value) {
    if (value >= -MAX_SAFE_INTEGER && value <= MAX_SAFE_INTEGER) {
      return Long.toString(value);
    }
    return format((double) value);
  }

  /**
   * Formats a double following ECMA-262 Number::toString (radix 10); non-finite values become
   * {@code null}, as in {@code JSON.stringify}.
   */
  public static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "null";
    }
    if (value == 0) {
      return "0"; // both +0 and -0
    }
    if (value < 0) {
      return "-" + format(-value);
    }
    if (value == Math.rint(value) && value <= MAX_SAFE_INTEGER) {
      return Long.toString((long) value);
    }
    BigDecimal shortest = shortestDigits(value);
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int n = k - shortest.scale(); // value = 0.digits × 10^n
    return layout(digits, k, n);
  }

  private static String layout(String s, int k, int n) {
    if (k <= n && n <= 21) {
      return s + "0".repeat(n - k);
    }
    if (0 < n && n <= 21) {
      return s.substring(0, n) + "." + s.substring(n);
    }
    if (-6 < n && n <= 0) {
      return "0." + "0".repeat(-n) + s;
    }
    int exponent = n - 1;
    String sign = exponent < 0 ? "-" : "+";
    String mantissa = k == 1 ? s : s.charAt(0) + "." + s.substring(1);
    return mantissa + "e" + sign + Math.abs(exponent);
  }

  /**
   * The decimal with the fewest significant digits that reads back as {@code value}; among two
   * such, the one closer to the value, then the one with an even last digit.
   */
  private static BigDecimal shortestDigits(double value) {
    BigDecimal exact = new BigDecimal(value);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
      boolean downOk = down.doubleValue() == value;
      boolean upOk = up.doubleValue() == value;
      if (downOk && upOk && down.compareTo(up) != 0) {
        int cmp = exact.subtract(down).compareTo(up.subtract(exact));
        if (cmp != 0) {
          return strip(cmp < 0 ? down : up);
        }
        return strip(lastDigitEven(down) ? down : up);
      }
      if (downOk) {
        return strip(down);
      }
      if (upOk) {
        return strip(up);
      }
    }
    return strip(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
  }

  private static boolean lastDigitEven(BigDecimal d) {
    return d.unscaledValue().testBit(0) == false;
  }

  private static BigDecimal strip(BigDecimal d) {
    return d.stripTrailingZeros();
  }
}
