package io.paystream.refunds.repository;

/** The tables of the {@code refunds} schema, qualified so no statement depends on search_path. */
public final class Tables {
  public static final String MERCHANTS = "refunds.merchants";
  public static final String PAYMENTS = "refunds.payments";
  public static final String REFUNDS = "refunds.refunds";
  public static final String OUTBOX = "refunds.outbox";
  public static final String IDEMPOTENCY_KEYS = "refunds.idempotency_keys";
  public static final String REDIS_EPOCH = "refunds.redis_epoch";
  public static final String PROCESSED_EVENTS = "refunds.processed_events";
  public static final String PROJECTION_STATE = "refunds.projection_state";
  public static final String OUTCOME_TOTALS = "refunds.refund_outcome_totals";
  public static final String OUTCOME_INCREMENTS = "refunds.refund_outcome_increments";

  private Tables() {}
}
