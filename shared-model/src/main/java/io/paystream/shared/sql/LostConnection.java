package io.paystream.shared.sql;

import io.paystream.shared.stream.Failures;
import io.vertx.pgclient.PgException;
import java.util.Set;

/**
 * Which failed statements PostgreSQL may have committed all the same: those whose connection was
 * lost after they were sent, so that what they did is looked for ({@link InDoubt}) before the
 * request is answered.
 */
public final class LostConnection {
  /**
   * Connection exceptions of a session that never began, so before anything was sent on it: "unable
   * to establish" (08001), "rejected" (08004).
   */
  private static final Set<String> BEFORE_ANY_STATEMENT = Set.of("08001", "08004");

  private LostConnection() {}

  /**
   * Whether a creation that failed with {@code failure} may have been committed: its connection was
   * lost after it was sent. Not when it was never sent ({@link Failures#isUnsent}), nor when
   * PostgreSQL answered it with an error, which aborted it, unless that error ends the session
   * ({@link #endsTheSession}).
   */
  public static boolean mayHaveCommitted(Throwable failure) {
    if (!Failures.isTransient(failure) || Failures.isUnsent(failure)) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return endsTheSession(pg);
      }
    }
    return true;
  }

  /**
   * Whether {@code pg} is the session ending while a statement may have been running, rather than
   * an error that aborted the statement: a connection exception (class 08) but those of a session
   * that never began ({@link #BEFORE_ANY_STATEMENT}), or the server shutting down (57P01, 57P02). A
   * pooler in front of PostgreSQL (PgBouncer) gives its own errors as 08P01, most of them before
   * the statement reached a server (a client that waited too long in its queue, no server to be
   * had, the pooler shutting down); two leave it perhaps committed: its connection to the server
   * broke under the statement ("server conn crashed?"), or the statement ran past the pooler's
   * limit ("query timeout"). PostgreSQL's own 08P01, a message it could not read, aborted it.
   */
  static boolean endsTheSession(PgException pg) {
    String state = String.valueOf(pg.getSqlState());
    if (state.equals("08P01")) {
      String message = String.valueOf(pg.getErrorMessage());
      return message.contains("server conn crashed")
          || message.contains("query timeout")
          || message.contains("query_timeout");
    }
    return state.startsWith("08") && !BEFORE_ANY_STATEMENT.contains(state)
        || state.equals("57P01")
        || state.equals("57P02");
  }
}
