package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One report per period, each saying how many occurrences it stands for. */
class ReportThrottleTest {
  @Test
  void theFirstOccurrenceIsReportedThenOnePerPeriodWithTheCountHeldBack() {
    AtomicLong now = new AtomicLong(1_000_000);
    ReportThrottle throttle = new ReportThrottle(10_000, now::get);
    assertEquals(0, throttle.report());
    for (int i = 0; i < 5; i++) {
      now.addAndGet(1_000);
      assertEquals(-1, throttle.report());
    }
    now.addAndGet(4_999); // 9,999 ms after the report
    assertEquals(-1, throttle.report());
    now.addAndGet(1);
    assertEquals(6, throttle.report());
    assertEquals(-1, throttle.report());
    now.addAndGet(60_000); // quiet for a while: the next one is reported at once
    assertEquals(1, throttle.report());
  }
}
