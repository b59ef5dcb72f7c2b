package io.paystream.webhooks.repository;

/** The tables of the {@code webhooks} schema, qualified so no statement depends on search_path. */
public final class Tables {
  public static final String MERCHANTS = "webhooks.merchants";
  public static final String ENDPOINTS = "webhooks.endpoints";
  public static final String DELIVERIES = "webhooks.deliveries";
  public static final String ATTEMPTS = "webhooks.delivery_attempts";
  public static final String OUTCOME_TOTALS = "webhooks.delivery_outcome_totals";
  public static final String OUTCOME_INCREMENTS = "webhooks.delivery_outcome_increments";
  public static final String PENDING_TOTALS = "webhooks.delivery_pending_totals";
  public static final String PENDING_INCREMENTS = "webhooks.delivery_pending_increments";
  public static final String IDEMPOTENCY_KEYS = "webhooks.idempotency_keys";

  private Tables() {}
}
