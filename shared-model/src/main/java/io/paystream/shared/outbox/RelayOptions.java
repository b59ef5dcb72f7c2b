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
 * @param historyByStream how many entries a stream keeps once every group has read them
 *     (approximately: Redis trims whole nodes); others use the default. Entries a consumer group
 *     has not read or not acknowledged yet are kept beyond it ({@link
 *     io.paystream.shared.stream.RedisStreams#trimRead})
 * @param defaultHistory the history of streams not listed
 */
public record RelayOptions(
    String table,
    int batchSize,
    long pollIntervalMillis,
    long retentionMillis,
    Map<String, Long> historyByStream,
    long defaultHistory) {

  /** Defaults: batches of 500 rows, a 50 ms poll, 24 h retention, a history of 1M entries. */
  public static RelayOptions of(String table) {
    return new RelayOptions(table, 500, 50, 24 * 3_600_000L, Map.of(), 1_000_000);
  }

  public RelayOptions withRetentionMillis(long millis) {
    return new RelayOptions(
        table, batchSize, pollIntervalMillis, millis, historyByStream, defaultHistory);
  }

  public RelayOptions withPollIntervalMillis(long millis) {
    return new RelayOptions(
        table, batchSize, millis, retentionMillis, historyByStream, defaultHistory);
  }

  public RelayOptions withDefaultHistory(long entries) {
    return new RelayOptions(
        table, batchSize, pollIntervalMillis, retentionMillis, historyByStream, entries);
  }

  /** The table holding the relay's position. */
  public String cursorTable() {
    return table + "_cursor";
  }

  /** The history of one stream. */
  public long history(String stream) {
    return historyByStream.getOrDefault(stream, defaultHistory);
  }
}
