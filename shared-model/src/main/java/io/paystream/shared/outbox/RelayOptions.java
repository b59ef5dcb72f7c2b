package io.paystream.shared.outbox;

import java.util.Map;

/**
 * How an {@link OutboxRelay} publishes.
 *
 * @param table the outbox table, schema-qualified (e.g. {@code payments.outbox})
 * @param batchSize rows per claim
 * @param leaseMillis how long a claim holds rows before another instance may take them
 * @param pollIntervalMillis how often the relay looks for rows without being kicked
 * @param retentionMillis how long published rows are kept for re-drive
 * @param maxLenByStream approximate cap per stream ({@code XADD MAXLEN ~}); others use the default
 * @param defaultMaxLen the cap of streams not listed
 */
public record RelayOptions(
    String table,
    int batchSize,
    long leaseMillis,
    long pollIntervalMillis,
    long retentionMillis,
    Map<String, Long> maxLenByStream,
    long defaultMaxLen) {

  /** Defaults: batches of 500, 10 s leases, a 250 ms poll, 24 h retention, streams of ~1M. */
  public static RelayOptions of(String table) {
    return new RelayOptions(table, 500, 10_000, 250, 24 * 3_600_000L, Map.of(), 1_000_000);
  }

  public RelayOptions withRetentionMillis(long millis) {
    return new RelayOptions(
        table, batchSize, leaseMillis, pollIntervalMillis, millis, maxLenByStream, defaultMaxLen);
  }

  public RelayOptions withPollIntervalMillis(long millis) {
    return new RelayOptions(
        table, batchSize, leaseMillis, millis, retentionMillis, maxLenByStream, defaultMaxLen);
  }

  /** The cap of one stream. */
  public long maxLen(String stream) {
    return maxLenByStream.getOrDefault(stream, defaultMaxLen);
  }
}
