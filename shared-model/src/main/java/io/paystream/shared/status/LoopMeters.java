package io.paystream.shared.status;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.stream.StreamConsumer;
import java.util.List;

/** The meters every service keeps of its background loops, tagged by stream. */
public final class LoopMeters {
  private LoopMeters() {}

  /**
   * Handled, failed and dead-lettered entries and entries in flight, per consumer; and the lag and
   * pending count of the consumer's group (the same for every instance of the service: aggregate
   * with {@code max}, not {@code sum}), read by the consumer every 5 s, never on a scrape.
   */
  public static void consumers(MeterRegistry registry, List<StreamConsumer> consumers) {
    for (StreamConsumer c : consumers) {
      String stream = c.options().stream();
      FunctionCounter.builder("paystream.stream.handled", c, StreamConsumer::handledCount)
          .description("Stream entries handled and acknowledged by this instance")
          .tag("stream", stream)
          .register(registry);
      FunctionCounter.builder("paystream.stream.failed", c, StreamConsumer::failedCount)
          .description("Stream entries whose handling failed here (left pending, tried again)")
          .tag("stream", stream)
          .register(registry);
      FunctionCounter.builder(
              "paystream.stream.dead_lettered", c, StreamConsumer::deadLetteredCount)
          .description("Stream entries moved to the dead-letter stream by this instance")
          .tag("stream", stream)
          .register(registry);
      Gauge.builder("paystream.stream.in_flight", c, StreamConsumer::inFlight)
          .description("Stream entries this instance is handling now")
          .tag("stream", stream)
          .register(registry);
      Gauge.builder("paystream.stream.lag", c, StreamConsumer::groupLag)
          .description(
              "Entries this service's group has not read yet (XINFO GROUPS, read every 5 s; NaN"
                  + " when unknown)")
          .tag("stream", stream)
          .register(registry);
      Gauge.builder("paystream.stream.pending", c, StreamConsumer::groupPending)
          .description(
              "Entries this service's group read and has not acknowledged yet (XINFO GROUPS, read"
                  + " every 5 s; NaN when unknown)")
          .tag("stream", stream)
          .register(registry);
    }
  }

  /**
   * Outbox rows published (a row holds every event one statement wrote: one or more, each added to
   * its stream), how long the oldest committed event not yet published has waited, and the oldest
   * some reader has not acknowledged (as last measured, by the heartbeat; NaN when that measure is
   * missing or older than 30 s).
   */
  public static void relay(MeterRegistry registry, OutboxRelay relay) {
    FunctionCounter.builder("paystream.outbox.published", relay, OutboxRelay::publishedCount)
        .description(
            "Outbox rows published to Redis by this instance; not events: a row holds every event"
                + " one statement wrote (one or more), each added to its stream")
        .register(registry);
    Gauge.builder("paystream.outbox.oldest_waiting", relay, r -> r.lastOldestWaitingSeconds())
        .description("How long the oldest committed event not yet published has waited")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            "paystream.outbox.oldest_unacknowledged", relay, r -> r.lastUnacknowledgedSeconds())
        .description(
            "How long the oldest event some reader has not acknowledged has waited: how far back"
                + " the outbox would be sent again if Redis lost its data now")
        .baseUnit("seconds")
        .register(registry);
  }
}
