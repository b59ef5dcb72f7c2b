package io.paystream.payments;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import java.util.ArrayList;
import java.util.List;

/** Reads what is in a stream (newest 10,000 entries), for assertions. */
public final class StreamReader {
  private StreamReader() {}

  public static List<EventEnvelope> events(RedisStreams streams, String stream) {
    List<StreamEntry> entries = streams.latest(stream, 10_000).await().indefinitely();
    List<EventEnvelope> out = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      out.add(EventEnvelope.decode(entries.get(i).payload()));
    }
    return out;
  }

  /** The events about one payment, oldest first. */
  public static List<EventEnvelope> aboutPayment(
      RedisStreams streams, String stream, String paymentId) {
    List<EventEnvelope> out = new ArrayList<>();
    for (EventEnvelope e : events(streams, stream)) {
      if (paymentId.equals(e.data().path("payment").path("id").asText())) {
        out.add(e);
      }
    }
    return out;
  }
}
