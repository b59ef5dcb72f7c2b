package io.paystream.shared.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private static final Instant T = Instant.parse("2026-01-15T10:31:00Z");

  @Test
  void normalScheduleWaitsOneFiveThirtyMinutesThenTwoHours() {
    RetrySchedule s = RetrySchedule.of(false);
    assertSame(RetrySchedule.NORMAL, s);
    assertEquals(5, s.maxAttempts());
    assertEquals(Duration.ofMinutes(1), s.delayAfter(1));
    assertEquals(Duration.ofMinutes(5), s.delayAfter(2));
    assertEquals(Duration.ofMinutes(30), s.delayAfter(3));
    assertEquals(Duration.ofHours(2), s.delayAfter(4));
    assertNull(s.delayAfter(5));
    assertEquals(Instant.parse("2026-01-15T12:31:00Z"), s.nextAttemptAt(4, T));
    assertNull(s.nextAttemptAt(5, T));
  }

  @Test
  void testScheduleWaitsFiveTenFifteenTwentySeconds() {
    RetrySchedule s = RetrySchedule.of(true);
    assertSame(RetrySchedule.TEST, s);
    assertEquals(5, s.maxAttempts());
    long[] expected = {5, 10, 15, 20};
    for (int attempt = 1; attempt <= 4; attempt++) {
      assertEquals(Duration.ofSeconds(expected[attempt - 1]), s.delayAfter(attempt));
      assertEquals(T.plusSeconds(expected[attempt - 1]), s.nextAttemptAt(attempt, T));
    }
    assertNull(s.delayAfter(5));
    assertNull(s.delayAfter(6));
  }

  @Test
  void attemptsCountFromOne() {
    assertThrows(IllegalArgumentException.class, () -> RetrySchedule.NORMAL.delayAfter(0));
  }
}
