package io.paystream.shared.sql;

/**
 * Lets one autocommitted statement commit without waiting for its WAL flush ({@code
 * synchronous_commit = off} for its transaction only), for writes whose loss in a database crash
 * costs a repetition, never data: the change is visible at once and reaches disk with the next
 * flush, which any later synchronous commit forces.
 *
 * <pre>{@code
 * "WITH " + AsyncCommit.CTE + " UPDATE t SET … FROM " + AsyncCommit.NAME + " WHERE …"
 * }</pre>
 *
 * The statement must read {@link #NAME} (as above), or PostgreSQL never evaluates the setting.
 */
public final class AsyncCommit {
  private AsyncCommit() {}

  /** The name to read the CTE by. */
  public static final String NAME = "async_commit";

  /** The CTE, for a statement's {@code WITH} list. */
  public static final String CTE =
      NAME + " AS (SELECT set_config('synchronous_commit', 'off', true) AS setting)";
}
