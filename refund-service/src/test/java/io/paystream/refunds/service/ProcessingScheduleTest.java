package io.paystream.refunds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.refunds.config.RefundsConfig;
import io.paystream.shared.testing.DeployedConfig;
import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A refund is processed 3–5 s after it is accepted, as API.md says, unless in test mode. */
class ProcessingScheduleTest {
  private final RefundsConfig deployed = DeployedConfig.of(RefundsConfig.class);

  @Test
  void aDeploymentWithNoSettingsGetsTheContractsNumbers() {
    RefundsConfig.Processing p = deployed.processing();
    assertFalse(p.testMode());
    assertEquals(1000, p.testDelay());
    assertEquals(Duration.ofSeconds(3), p.minDelay());
    assertEquals(Duration.ofSeconds(5), p.maxDelay());
  }

  @Test
  void delaysAreDrawnOverTheWholeThreeToFiveSeconds() {
    ProcessingSchedule schedule = new ProcessingSchedule(deployed);
    LongSummaryStatistics drawn =
        LongStream.range(0, 20_000).map(i -> schedule.delayMillis()).summaryStatistics();
    assertTrue(drawn.getMin() >= 3_000, "shortest " + drawn.getMin());
    assertTrue(drawn.getMax() <= 5_000, "longest " + drawn.getMax());
    // Uniform over 2,001 values: 20,000 draws all miss the first (or last) 50 ms with
    // probability (1 - 50/2001)^20000, about 1e-220.
    assertTrue(drawn.getMin() < 3_050, "shortest " + drawn.getMin());
    assertTrue(drawn.getMax() > 4_950, "longest " + drawn.getMax());
    assertEquals(4_000, drawn.getAverage(), 25);
  }
}
