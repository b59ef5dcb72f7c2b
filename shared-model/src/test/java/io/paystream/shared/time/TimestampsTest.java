package io.paystream.shared.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Checked against java.time's own formatter and parser, which the fast paths must agree with. */
class TimestampsTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  @Test
  void writesTheApiFormat() {
    assertEquals(
        "2026-01-15T10:31:00Z", Timestamps.format(Instant.parse("2026-01-15T10:31:00.999999Z")));
    assertEquals("1970-01-01T00:00:00Z", Timestamps.format(Instant.EPOCH));
    assertEquals("1969-12-31T23:59:59Z", Timestamps.format(Instant.ofEpochSecond(-1, 500)));
    assertEquals("2024-02-29T23:59:59Z", Timestamps.format(Instant.parse("2024-02-29T23:59:59Z")));
    assertEquals(
        "2026-01-15T09:31:00Z",
        Timestamps.format(OffsetDateTime.parse("2026-01-15T10:31:00+01:00")));
    assertNull(Timestamps.format((Instant) null));
    assertNull(Timestamps.format((OffsetDateTime) null));
  }

  @Test
  void formatsAsTheFormatterDoesAcrossAndBeyondFourDigitYears() {
    SplittableRandom random = new SplittableRandom(7);
    long min = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("+10100-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(min, max), random.nextInt(1_000_000_000));
      assertEquals(REFERENCE.format(t), Timestamps.format(t), t.toString());
    }
    for (String edge :
        List.of(
            "0000-01-01T00:00:00Z",
            "0000-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "-0001-12-31T23:59:59Z",
            "9999-12-31T23:59:59Z",
            "+10000-01-01T00:00:00Z")) {
      Instant t = Instant.parse(edge);
      assertEquals(REFERENCE.format(t), Timestamps.format(t), edge);
    }
  }

  @Test
  void parsesWhatItWritesAndWhatInstantParseReads() {
    SplittableRandom random = new SplittableRandom(11);
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant t =
          Instant.ofEpochSecond(
              random.nextLong(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond(), max + 1));
      String text = Timestamps.format(t);
      assertEquals(t, Timestamps.parse(text), text);
      assertEquals(Instant.parse(text), Timestamps.parse(text), text);
    }
    for (String other :
        List.of(
            "2026-01-15T10:31:00.250Z",
            "2026-01-15T10:31:00+05:30",
            "2016-12-31T23:59:60Z",
            "2026-01-15T24:00:00Z",
            "0000-06-15T12:00:00Z",
            "+10000-01-01T00:00:00Z")) {
      assertEquals(Instant.parse(other), Timestamps.parse(other), other);
    }
    assertNull(Timestamps.parse(null));
  }

  @Test
  void refusesWhatInstantParseRefuses() {
    for (String bad :
        List.of(
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-01-32T00:00:00Z",
            "2026-01-15T25:00:00Z",
            "2026-01-15T10:60:00Z",
            "2026-01-15T10:31:61Z",
            "2026-01-15T1a:31:00Z",
            "2026-01-15T10:31:0\u0661Z",
            "2026-01-15 10:31:00Z",
            "2026-01-15T10:31:00",
            "")) {
      assertThrows(DateTimeException.class, () -> Instant.parse(bad), bad);
      assertThrows(DateTimeException.class, () -> Timestamps.parse(bad), bad);
    }
  }
}
