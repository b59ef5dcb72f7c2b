package io.paystream.payments.repository;

/** The tables of the {@code payments} schema, qualified so no statement depends on search_path. */
public final class Tables {
  public static final String MERCHANTS = "payments.merchants";
  public static final String ORDERS = "payments.orders";
  public static final String PAYMENTS = "payments.payments";
  public static final String OUTBOX = "payments.outbox";
  public static final String IDEMPOTENCY_KEYS = "payments.idempotency_keys";
  public static final String REDIS_EPOCH = "payments.redis_epoch";
  public static final String PROCESSED_EVENTS = "payments.processed_events";
  public static final String OUTCOME_TOTALS = "payments.payment_outcome_totals";
  public static final String OUTCOME_INCREMENTS = "payments.payment_outcome_increments";
  public static final String LOGIN_FAILURES = "payments.login_failures";

  private Tables() {}
}
