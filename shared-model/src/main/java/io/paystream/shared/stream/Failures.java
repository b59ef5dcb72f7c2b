package io.paystream.shared.stream;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Tells infrastructure failures (a dependency down, a dropped connection, a deadlock), which are
 * retried without limit, from everything else, which counts against an entry's delivery budget.
 */
public final class Failures {
  private Failures() {}

  /** Whether {@code failure} is worth retrying as it is: the same work may succeed later. */
  public static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null
            && (state.startsWith("08") // connection exception
                || state.startsWith("53") // insufficient resources
                || state.startsWith("57") // operator intervention (shutdown, cancel)
                || state.equals("40001") // serialization failure
                || state.equals("40P01")); // deadlock
      }
      if (t instanceof IOException
          || t instanceof TimeoutException
          || t instanceof io.vertx.core.VertxException
          || t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("closed")
          || t instanceof NoStackTraceThrowable && isConnectionLoss(t.getMessage())
          || t.getClass().getName().startsWith("io.netty.channel")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The SQL client reports some connection failures as a bare message: a command sent on a
   * connection the server has just dropped, or no pooled connection within the pool's wait.
   */
  private static boolean isConnectionLoss(String message) {
    return message != null
        && (message.startsWith("Connection is not active now") || message.equals("Timeout"));
  }

  /**
   * Whether {@code failure} is a conflict between concurrent transactions (a deadlock or a
   * serialization failure): transient, and for work done in batches, a reason to do it in smaller
   * pieces.
   */
  public static boolean isConflict(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return "40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState());
      }
    }
    return false;
  }

  /**
   * Whether {@code failure} is a PostgreSQL unique-constraint violation (of {@code constraint}).
   */
  public static boolean isUniqueViolation(Throwable failure, String constraint) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
        return constraint == null || constraint.equals(pg.getConstraint());
      }
    }
    return false;
  }
}
