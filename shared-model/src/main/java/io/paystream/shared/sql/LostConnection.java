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
   * Errors a connection gets before a session exists, so before anything was sent on it: "unable to
   * establish" (08001), "rejected" (08004), "cannot connect now" (57P03: starting up, in recovery),
   * too many connections (53300); and class 28, credentials refused.
   */
  private static final Set<String> BEFORE_ANY_STATEMENT =
      Set.of("08001", "08004", "57P03", "53300");

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
   * an error that aborted the statement: a connection exception (class 08), the server shutting
   * down (57P01, 57P02), or any error of severity FATAL or PANIC. A pooler in front of PostgreSQL
   * says so in its own words: PgBouncer answers "server conn crashed?" with FATAL 08P01 when its
   * connection to the server broke under a statement, which the server may have committed. Not the
   * errors of a session that never began ({@link #BEFORE_ANY_STATEMENT}, class 28). A look too many
   * costs a query; one too few answers 503 for something that was made.
   */
  static boolean endsTheSession(PgException pg) {
    String state = String.valueOf(pg.getSqlState());
    if (BEFORE_ANY_STATEMENT.contains(state) || state.startsWith("28")) {
      return false;
    }
    return state.startsWith("08")
        || state.equals("57P01")
        || state.equals("57P02")
        || "FATAL".equals(pg.getSeverity())
        || "PANIC".equals(pg.getSeverity());
  }
}
