package io.paystream.shared.testing;

import static org.awaitility.Awaitility.await;

import io.paystream.shared.stream.StreamConsumer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** How many entries a stream consumer holds at once while it works through a backlog. */
public final class InFlightSampling {
  private InFlightSampling() {}

  /**
   * Runs {@code publish}, which adds {@code entries} entries to the consumer's stream, and waits
   * until the consumer has handled that many more; returns the most it held in flight meanwhile,
   * looked at every millisecond.
   */
  public static int mostInFlight(StreamConsumer consumer, int entries, Runnable publish) {
    long handledBefore = consumer.handledCount();
    publish.run();
    AtomicInteger most = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              most.accumulateAndGet(consumer.inFlight(), Math::max);
              return consumer.handledCount() - handledBefore >= entries;
            });
    return most.get();
  }
}
