package io.paystream.shared.time;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one time format of the API: ISO-8601 UTC to the second, e.g. {@code 2026-01-15T10:31:00Z}.
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /** Formats an instant, or returns {@code null}. */
  public static String format(Instant instant) {
    return instant == null ? null : FORMAT.format(instant);
  }

  /** Formats a database timestamp, or returns {@code null}. */
  public static String format(OffsetDateTime time) {
    return time == null ? null : FORMAT.format(time);
  }

  /** Now, at the microsecond precision PostgreSQL keeps, so a stored value reads back equal. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** Parses the API format (or any ISO-8601 instant). */
  public static Instant parse(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
