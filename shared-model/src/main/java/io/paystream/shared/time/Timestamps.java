package io.paystream.shared.time;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one time format of the API: ISO-8601 UTC to the second, e.g. {@code 2026-01-15T10:31:00Z}.
 *
 * <p>Every payment is written with several of these and every event read back parses them, so the
 * common case is done digit by digit: writing years 0001–9999 (the format's year is the year of the
 * era, so year 0 is written {@code 0001} by the formatter), reading four-digit years as {@link
 * Instant#parse} does. Anything else goes through {@link DateTimeFormatter} and {@link
 * Instant#parse}, whose answers the fast paths give too.
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final long MIN_SECOND = LocalDate.of(1, 1, 1).toEpochDay() * 86_400;
  private static final long MAX_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;
  private static final int LENGTH = "2026-01-15T10:31:00Z".length();

  private Timestamps() {}

  /** Formats an instant, or returns {@code null}. */
  public static String format(Instant instant) {
    if (instant == null) {
      return null;
    }
    long second = instant.getEpochSecond();
    if (second < MIN_SECOND || second >= MAX_SECOND) {
      return FORMAT.format(instant);
    }
    long day = Math.floorDiv(second, 86_400);
    int ofDay = Math.floorMod(second, 86_400);
    LocalDate date = LocalDate.ofEpochDay(day);
    byte[] out = new byte[LENGTH];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, ofDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, ofDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, ofDay % 60, 2);
    out[19] = 'Z';
    return new String(out, StandardCharsets.US_ASCII);
  }

  /** Formats a database timestamp, or returns {@code null}. */
  public static String format(OffsetDateTime time) {
    return time == null ? null : format(time.toInstant());
  }

  /** Now, at the microsecond precision PostgreSQL keeps, so a stored value reads back equal. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** Parses the API format (or any ISO-8601 instant). */
  public static Instant parse(String text) {
    if (text == null) {
      return null;
    }
    if (text.length() == LENGTH
        && text.charAt(4) == '-'
        && text.charAt(7) == '-'
        && text.charAt(10) == 'T'
        && text.charAt(13) == ':'
        && text.charAt(16) == ':'
        && text.charAt(19) == 'Z') {
      int year = number(text, 0, 4);
      int month = number(text, 5, 2);
      int day = number(text, 8, 2);
      int hour = number(text, 11, 2);
      int minute = number(text, 14, 2);
      int second = number(text, 17, 2);
      if (year >= 0
          && month >= 1
          && month <= 12
          && day >= 1
          && day <= Month.of(month).length(Year.isLeap(year))
          && hour >= 0
          && hour <= 23
          && minute >= 0
          && minute <= 59
          && second >= 0
          && second <= 59) {
        return Instant.ofEpochSecond(
            LocalDate.of(year, month, day).toEpochDay() * 86_400
                + hour * 3600L
                + minute * 60L
                + second);
      }
    }
    return Instant.parse(text);
  }

  private static void digits(byte[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * The decimal number of {@code width} ASCII digits at {@code at}, or -1 if one is not a digit.
   */
  private static int number(String text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
