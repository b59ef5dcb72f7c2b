package io.paystream.shared.stream;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import java.net.ConnectException;
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
        return isTransientState(pg.getSqlState());
      }
      if (t instanceof ErrorType redis) {
        return isTransientReply(redis.getMessage());
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
   * Whether a PostgreSQL error of this SQLSTATE comes from the database's state or reach, not from
   * the work: the same statement may succeed later. Besides a lost connection, a server short of
   * resources or shutting down and a conflict between transactions, that is a server that became a
   * read-only standby (a failover), credentials being changed, and a lock or object held by someone
   * else. Bad data, a broken constraint or a limit is the work's own and is not retried; nor is a
   * missing grant or an I/O error, which may be lasting and hold one kind of work only (a table, a
   * damaged page), where retrying it for ever would hold up everything else.
   */
  private static boolean isTransientState(String state) {
    return state != null
        && (state.startsWith("08") // connection exception
            || state.startsWith("28") // invalid authorization (a password being rotated)
            || state.startsWith("53") // insufficient resources
            || state.startsWith("57") // operator intervention (shutdown, cancel)
            || state.equals("25006") // read-only transaction (a failover to a standby)
            || state.equals("40001") // serialization failure
            || state.equals("40P01") // deadlock
            || state.equals("55006") // object in use
            || state.equals("55P03")); // lock not available
  }

  /**
   * Whether a Redis error reply says the server cannot serve now (loading its data, a read-only
   * replica, a busy script, out of memory, no authentication yet) or the connection was lost,
   * rather than that the command was wrong.
   */
  private static boolean isTransientReply(String reply) {
    if (reply == null) {
      return false;
    }
    // A pipeline fails as a whole, with its failed commands' replies after their indexes, one a
    // line: "ERR [3]LOADING Redis is loading…", "ERR [0]java.io.IOException: Connection reset".
    if (reply.startsWith("ERR [") && reply.indexOf(']') > 0) {
      reply = reply.substring(reply.indexOf(']') + 1).stripLeading();
    }
    String word = reply.split("[\\s:]", 2)[0];
    if (word.startsWith("java.io.") || word.startsWith("io.netty.channel.")) {
      return true; // the client's own report of a lost connection, inside a pipeline's
    }
    return switch (word) {
      case "LOADING",
          "READONLY",
          "MASTERDOWN",
          "BUSY",
          "OOM",
          "TRYAGAIN",
          "CLUSTERDOWN",
          "NOAUTH",
          "WRONGPASS",
          "NOREPLICAS",
          "MISCONF",
          "CONNECTION_CLOSED" ->
          true;
      default -> false;
    };
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
   * Whether {@code failure} shows that a command never left this instance, so that it cannot have
   * taken effect: no connection could be made ({@link ConnectException}), or none had from the pool
   * (the SQL pool's wait for a connection ran out), or the connection was closed before the command
   * was written ({@link #isConnectionLoss}'s messages, and the SQL client's for commands still
   * queued when their connection closed).
   */
  public static boolean isUnsent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof io.vertx.core.VertxException
              && "Timeout waiting for connection".equals(t.getMessage())) {
        return true;
      }
      if (t instanceof NoStackTraceThrowable
          && (isConnectionLoss(t.getMessage())
              || String.valueOf(t.getMessage()).startsWith("Pending requests failed to be sent"))) {
        return true;
      }
    }
    return false;
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
