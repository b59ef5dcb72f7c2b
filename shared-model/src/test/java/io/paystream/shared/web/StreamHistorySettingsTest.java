package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.outbox.RelayOptions;
import io.paystream.shared.stream.Streams;
import org.junit.jupiter.api.Test;

/** {@code paystream.outbox.stream-history}: what the relay keeps of each stream it publishes to. */
class StreamHistorySettingsTest {
  @Test
  void theSettingIsEveryStreamsHistory() {
    RelayOptions options = relayOptions(50_000);
    assertEquals(50_000, options.history(Streams.PAYMENT_EVENTS));
    assertEquals(50_000, options.history(Streams.MERCHANT_EVENTS));
    assertEquals(0, relayOptions(0).history(Streams.PAYMENT_EVENTS), "0: keep only what is unread");
  }

  @Test
  void aNegativeHistoryIsRefusedAtStart() {
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> relayOptions(-1));
    assertEquals(
        "paystream.outbox.stream-history must be 0 or more entries, not -1", refused.getMessage());
  }

  private static RelayOptions relayOptions(long entries) {
    return new CommonProducers("test", Settings.streamHistory(entries)).relayOptions();
  }
}
