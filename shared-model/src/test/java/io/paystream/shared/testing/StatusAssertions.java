package io.paystream.shared.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Checks of the status reports (heartbeat and job counts) a running instance publishes. */
public final class StatusAssertions {
  private StatusAssertions() {}

  /**
   * Over the next 3.5 s, {@code service}'s instance {@code instance} reads its counts at least
   * every 900 ms: job status serves the newest report, whose counts were read at most one interval
   * before the next reading plus that reading's own time, so half a second between readings keeps
   * them below the second the API allows.
   */
  public static void assertCountsReadEveryHalfSecond(
      RedisStreams streams, String service, String instance) throws InterruptedException {
    long from = System.currentTimeMillis();
    Thread.sleep(3_500);
    List<Long> readAt = new ArrayList<>();
    for (StreamEntry entry :
        streams
            .range(Streams.SERVICE_STATUS, Long.toString(from), "+", 10_000)
            .await()
            .atMost(Duration.ofSeconds(5))) {
      ServiceStatus s = ServiceStatus.read(EventEnvelope.decode(entry.payload()));
      if (service.equals(s.service()) && instance.equals(s.instance())) {
        readAt.add(Streams.entryMillis(entry.id()) - s.measuredMillisAgo());
      }
    }
    assertTrue(readAt.size() >= 3, readAt.size() + " reports in 3.5 s");
    Collections.sort(readAt); // each tick reports on its own: one held up may be added late
    for (int i = 1; i < readAt.size(); i++) {
      long gap = readAt.get(i) - readAt.get(i - 1);
      assertTrue(gap < 900, "counts read " + gap + " ms after the ones before: " + readAt);
    }
  }
}
