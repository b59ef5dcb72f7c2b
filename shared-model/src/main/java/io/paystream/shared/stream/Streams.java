package io.paystream.shared.stream;

import java.util.List;
import java.util.Map;

/**
 * Stream, consumer-group and key names in Redis. Every entry is one {@code EventEnvelope} in the
 * field {@value #FIELD}.
 *
 * <pre>
 * paystream:merchant-events   payments-service → refund-service, webhook-service
 * paystream:payment-events    payments-service → refund-service, webhook-service
 * paystream:refund-events     refund-service   → webhook-service, payments-service
 * paystream:payment-jobs      payments-service → payments-service processors
 * paystream:refund-jobs       refund-service   → refund-service processors
 * paystream:service-status    every service    → payments-service (job status, health)
 * &lt;stream&gt;:dead              entries that failed too often (dead letters)
 * paystream:epoch             a token that vanishes when Redis loses its data
 * </pre>
 */
public final class Streams {
  public static final String MERCHANT_EVENTS = "paystream:merchant-events";
  public static final String PAYMENT_EVENTS = "paystream:payment-events";
  public static final String REFUND_EVENTS = "paystream:refund-events";
  public static final String PAYMENT_JOBS = "paystream:payment-jobs";
  public static final String REFUND_JOBS = "paystream:refund-jobs";
  public static final String SERVICE_STATUS = "paystream:service-status";
  public static final String EPOCH_KEY = "paystream:epoch";

  /** The counter an outbox relay increments after each batch it publishes (see OutboxRelay). */
  public static String relaySequenceKey(String outboxTable) {
    return "paystream:relay-seq:" + outboxTable;
  }

  /**
   * When an entry was added, in Unix milliseconds: the first part of its id ({@code <ms>-<seq>}).
   */
  public static long entryMillis(String entryId) {
    int dash = entryId.indexOf('-');
    return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
  }

  /** Orders two entry ids as the stream does: by time, then by sequence. */
  public static int compareIds(String a, String b) {
    int byTime = Long.compare(entryMillis(a), entryMillis(b));
    return byTime != 0 ? byTime : Long.compare(entrySeq(a), entrySeq(b));
  }

  private static long entrySeq(String entryId) {
    int dash = entryId.indexOf('-');
    return dash < 0 ? 0 : Long.parseLong(entryId.substring(dash + 1));
  }

  /** The field that holds the envelope in every entry. */
  public static final String FIELD = "event";

  public static final String PAYMENTS_SERVICE = "payments-service";
  public static final String REFUND_SERVICE = "refund-service";
  public static final String WEBHOOK_SERVICE = "webhook-service";

  private Streams() {}

  /**
   * The consumer groups that read each stream services' outboxes publish to, each group named after
   * its service.
   */
  private static final Map<String, List<String>> READERS =
      Map.of(
          MERCHANT_EVENTS, List.of(REFUND_SERVICE, WEBHOOK_SERVICE),
          PAYMENT_EVENTS, List.of(REFUND_SERVICE, WEBHOOK_SERVICE),
          REFUND_EVENTS, List.of(WEBHOOK_SERVICE, PAYMENTS_SERVICE),
          PAYMENT_JOBS, List.of(PAYMENTS_SERVICE),
          REFUND_JOBS, List.of(REFUND_SERVICE));

  /**
   * The streams that services' outboxes publish to: those with known readers, in a fixed order. An
   * outbox writes to no other: a relay taking the lead reads where each of these ends, and records
   * what every reader has acknowledged from there (io.paystream.shared.outbox.PublishedRun); it
   * would not see the readers of a stream missing here.
   */
  public static final List<String> OUTBOX_STREAMS = READERS.keySet().stream().sorted().toList();

  /**
   * The consumer groups that read a stream (none for a stream outboxes do not publish to). Trimming
   * keeps a stream whole while one of them has no group ({@link RedisStreams#trimRead}).
   */
  public static List<String> readersOf(String stream) {
    return READERS.getOrDefault(stream, List.of());
  }

  /** The dead-letter stream of {@code stream}. */
  public static String deadLetters(String stream) {
    return stream + ":dead";
  }
}
