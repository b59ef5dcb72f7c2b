package io.paystream.payments.service;

import java.time.YearMonth;
import java.util.regex.Pattern;

/** The card checks of the API: 13–19 digits with a valid Luhn sum, networks by prefix, expiry. */
public final class CardRules {
  private static final Pattern YEAR = Pattern.compile("\\d{2}|\\d{4}");

  private CardRules() {}

  /**
   * The digits of a card number with spaces and dashes removed, or {@code null} if others remain.
   */
  public static String digits(String number) {
    StringBuilder out = new StringBuilder(number.length());
    for (int i = 0; i < number.length(); i++) {
      char c = number.charAt(i);
      if (c >= '0' && c <= '9') {
        out.append(c);
      } else if (c != ' ' && c != '-') {
        return null;
      }
    }
    return out.toString();
  }

  /** Whether the digits are 13–19 long and pass the Luhn check. */
  public static boolean isValidNumber(String digits) {
    if (digits == null || digits.length() < 13 || digits.length() > 19) {
      return false;
    }
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  /** The network: 4 visa; 51–55 mastercard; 34, 37 amex; 60, 65, 81–89 rupay; else unknown. */
  public static String network(String digits) {
    int two = Integer.parseInt(digits.substring(0, 2));
    if (digits.charAt(0) == '4') {
      return "visa";
    }
    if (two >= 51 && two <= 55) {
      return "mastercard";
    }
    if (two == 34 || two == 37) {
      return "amex";
    }
    if (two == 60 || two == 65 || (two >= 81 && two <= 89)) {
      return "rupay";
    }
    return "unknown";
  }

  /** The year of a 2-digit (20YY) or 4-digit expiry year, or -1 when it is neither. */
  public static int fullYear(String year) {
    if (!YEAR.matcher(year).matches()) {
      return -1;
    }
    int y = Integer.parseInt(year);
    return year.length() == 2 ? 2000 + y : y;
  }

  /** Whether a card is still valid in {@code now}: it is valid through its expiry month. */
  public static boolean isExpired(int month, int fullYear, YearMonth now) {
    return YearMonth.of(fullYear, month).isBefore(now);
  }
}
