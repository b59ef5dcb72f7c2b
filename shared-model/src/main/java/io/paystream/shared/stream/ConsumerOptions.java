package io.paystream.shared.stream;

/**
 * How a {@link StreamConsumer} reads.
 *
 * @param stream the stream to read
 * @param group the consumer group, named after the consuming service
 * @param consumer this instance's name within the group
 * @param batchSize entries per read
 * @param blockMillis how long one read waits for new entries (below the Redis client timeout)
 * @param claimMinIdleMillis how long an entry must sit unacknowledged before it is taken over
 * @param claimIntervalMillis how often pending entries are looked at
 * @param maxDeliveries deliveries after which a failing entry goes to the dead-letter stream
 * @param maxInFlight entries handled at once by this instance
 * @param deadLetterMaxLen approximate cap of the dead-letter stream
 * @param forgetIdleMillis how long another consumer of the group must have been silent, with
 *     nothing pending, before it is removed from the group (a replica that is gone)
 */
public record ConsumerOptions(
    String stream,
    String group,
    String consumer,
    int batchSize,
    long blockMillis,
    long claimMinIdleMillis,
    long claimIntervalMillis,
    int maxDeliveries,
    int maxInFlight,
    long deadLetterMaxLen,
    long forgetIdleMillis) {

  /** Defaults that suit short handlers. */
  public static ConsumerOptions of(String stream, String group, String consumer) {
    return new ConsumerOptions(
        stream, group, consumer, 100, 2_000, 30_000, 5_000, 5, 1_000, 10_000, 3_600_000);
  }

  public ConsumerOptions withMaxInFlight(int max) {
    return new ConsumerOptions(
        stream,
        group,
        consumer,
        batchSize,
        blockMillis,
        claimMinIdleMillis,
        claimIntervalMillis,
        maxDeliveries,
        max,
        deadLetterMaxLen,
        forgetIdleMillis);
  }

  /**
   * {@link #withMaxInFlight} for a consumer that writes each entry with a statement of its own:
   * half of the service's PostgreSQL pool ({@code dbPoolSize} connections). A backlog (streams
   * re-driven after Redis lost its data, an instance catching up) then keeps that many statements
   * going, which drains it as fast as more would, and leaves the other connections to requests:
   * with a thousand entries at once, requests' statements queued behind the consumer's for up to
   * seconds.
   */
  public ConsumerOptions withOneStatementPerEntry(int dbPoolSize) {
    return withMaxInFlight(Math.max(1, dbPoolSize / 2));
  }

  public ConsumerOptions withClaimMinIdleMillis(long millis) {
    return new ConsumerOptions(
        stream,
        group,
        consumer,
        batchSize,
        blockMillis,
        millis,
        claimIntervalMillis,
        maxDeliveries,
        maxInFlight,
        deadLetterMaxLen,
        forgetIdleMillis);
  }

  public ConsumerOptions withClaimIntervalMillis(long millis) {
    return new ConsumerOptions(
        stream,
        group,
        consumer,
        batchSize,
        blockMillis,
        claimMinIdleMillis,
        millis,
        maxDeliveries,
        maxInFlight,
        deadLetterMaxLen,
        forgetIdleMillis);
  }

  public ConsumerOptions withMaxDeliveries(int max) {
    return new ConsumerOptions(
        stream,
        group,
        consumer,
        batchSize,
        blockMillis,
        claimMinIdleMillis,
        claimIntervalMillis,
        max,
        maxInFlight,
        deadLetterMaxLen,
        forgetIdleMillis);
  }

  public ConsumerOptions withForgetIdleMillis(long millis) {
    return new ConsumerOptions(
        stream,
        group,
        consumer,
        batchSize,
        blockMillis,
        claimMinIdleMillis,
        claimIntervalMillis,
        maxDeliveries,
        maxInFlight,
        deadLetterMaxLen,
        millis);
  }
}
