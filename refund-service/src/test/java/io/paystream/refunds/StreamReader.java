package io.paystream.refunds;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads what is in a stream (newest 10,000 entries, oldest first), for assertions. */
public final class StreamReader {
  private StreamReader() {}

  public static List<EventEnvelope> events(RedisStreams streams, String stream) {
    List<StreamEntry> entries =
        streams.latest(stream, 10_000).await().atMost(Duration.ofSeconds(5));
    List<EventEnvelope> out = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      out.add(EventEnvelope.decode(entries.get(i).payload()));
    }
    return out;
  }

  /** The events about one refund ({@code data.refund.id}), oldest first. */
  public static List<EventEnvelope> aboutRefund(RedisStreams streams, String stream, String id) {
    List<EventEnvelope> out = new ArrayList<>();
    for (EventEnvelope e : events(streams, stream)) {
      if (id.equals(e.data().path("refund").path("id").asText())) {
        out.add(e);
      }
    }
    return out;
  }
}
