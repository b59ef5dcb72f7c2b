package io.paystream.shared.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.paystream.shared.stream.StreamEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceStatusTest {
  @Test
  void theNewestReportOfAnInstanceIsTheOneAddedLastEvenWithinOneSecond() {
    Instant second = Instant.parse("2026-01-01T10:00:00Z");
    // Newest first, as the stream is read; both reports carry the same second.
    List<StreamEntry> entries =
        List.of(
            entry("1767261600900-0", report("a", second, 0)),
            entry("1767261600500-0", report("a", second, 5_000)),
            entry("1767261600400-0", report("b", second, 7)),
            new StreamEntry("1767261600300-0", "not a report"));
    Map<String, ServiceStatus> newest = ServiceStatus.newestByInstance(entries);
    assertEquals(2, newest.size());
    assertEquals(0, newest.get("payments-service/a").outboxWaitingMillis());
    assertEquals(7, newest.get("payments-service/b").outboxWaitingMillis());
  }

  private static ServiceStatus report(String instance, Instant at, long waiting) {
    return new ServiceStatus("payments-service", instance, at, true, JobCounts.ZERO, waiting);
  }

  private static StreamEntry entry(String id, ServiceStatus s) {
    return new StreamEntry(id, s.encode());
  }
}
