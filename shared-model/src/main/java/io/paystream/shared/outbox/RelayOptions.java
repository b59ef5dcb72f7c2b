package io.paystream.shared.outbox;

import java.util.Map;

/**
 * How an {@link OutboxRelay} publishes.
 *
 * @param table the outbox table, schema-qualified (e.g. {@code payments.outbox}); its cursor is
 *     {@code <table>_cursor}
 * @param batchSize rows per read
 * @param pollIntervalMillis how often the relay looks for rows without being kicked (and how often
 *     a standby instance asks for the lead)
 * @param retentionMillis how long published rows are kept for re-drive
 * @param maxLenByStream approximate cap per stream ({@code XADD MAXLEN ~}); others use the default
 * @param defaultMaxLen the cap of streams not listed
 */
public record RelayOptions(
    String table,
    int batchSize,
    long pollIntervalMillis,
    long retentionMillis,
    Map<String, Long> maxLenByStream,
    long defaultMaxLen) {

  /** Defaults: batches of 500 rows, a 50 ms poll, 24 h retention, streams of about 1M entries. */
  public static RelayOptions of(String table) {
    return new RelayOptions(table, 500, 50, 24 * 3_600_000L, Map.of(), 1_000_000);
  }

  public RelayOptions withRetentionMillis(long millis) {
    return new RelayOptions(
        table, batchSize, pollIntervalMillis, millis, maxLenByStream, defaultMaxLen);
  }

  public RelayOptions withPollIntervalMillis(long millis) {
    return new RelayOptions(
        table, batchSize, millis, retentionMillis, maxLenByStream, defaultMaxLen);
  }

  /** The table holding the relay's position. */
  public String cursorTable() {
    return table + "_cursor";
  }

  /** The cap of one stream. */
  public long maxLen(String stream) {
    return maxLenByStream.getOrDefault(stream, defaultMaxLen);
  }
}
