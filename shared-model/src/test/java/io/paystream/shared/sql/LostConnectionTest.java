package io.paystream.shared.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which failed statements are looked up: those PostgreSQL may have committed all the same. */
class LostConnectionTest {
  @Test
  void aConnectionLostWithTheStatementSentMayHaveCommitted() {
    assertTrue(LostConnection.mayHaveCommitted(new IOException("Connection reset")));
    assertTrue(LostConnection.mayHaveCommitted(new VertxException("Connection was closed", true)));
    assertTrue(
        LostConnection.mayHaveCommitted(new PgException("terminating", "FATAL", "57P01", null)));
    assertTrue(LostConnection.mayHaveCommitted(new PgException("lost", "FATAL", "08006", null)));
    // A pooler's words for its connection to the server breaking under the statement, or for the
    // statement running past its limit (PgBouncer).
    assertTrue(
        LostConnection.mayHaveCommitted(
            new PgException("server conn crashed?", "FATAL", "08P01", null)));
    assertTrue(
        LostConnection.mayHaveCommitted(new PgException("query_timeout", "FATAL", "08P01", null)));
    assertTrue(
        LostConnection.mayHaveCommitted(new PgException("query timeout", "FATAL", "08P01", null)));
    assertTrue(LostConnection.mayHaveCommitted(new PgException("crash", "PANIC", "57P02", null)));
  }

  @Test
  void aStatementNeverSentOrAnsweredWithAnErrorDidNot() {
    // The pooler's errors before the statement reached a server, and PostgreSQL's own 08P01.
    for (String beforeAServer :
        List.of(
            "query_wait_timeout",
            "pgbouncer cannot connect to server",
            "server login has been failing, try again later (server_login_retry)",
            "client_login_timeout (server down)",
            "invalid frontend message type 0")) {
      assertFalse(
          LostConnection.mayHaveCommitted(new PgException(beforeAServer, "FATAL", "08P01", null)),
          beforeAServer);
    }
    assertFalse(LostConnection.mayHaveCommitted(new ConnectException("Connection refused")));
    assertFalse(
        LostConnection.mayHaveCommitted(new VertxException(new ConnectException("refused"))));
    assertFalse(LostConnection.mayHaveCommitted(new NoStackTraceThrowable("Timeout")));
    assertFalse(
        LostConnection.mayHaveCommitted(
            new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
    // Refused before anything was sent: starting up or in recovery, unable to connect, rejected.
    assertFalse(
        LostConnection.mayHaveCommitted(new PgException("starting up", "FATAL", "57P03", null)));
    assertFalse(LostConnection.mayHaveCommitted(new PgException("unable", "FATAL", "08001", null)));
    assertFalse(
        LostConnection.mayHaveCommitted(new PgException("rejected", "FATAL", "08004", null)));
    assertFalse(
        LostConnection.mayHaveCommitted(new PgException("too many", "FATAL", "53300", null)));
    assertFalse(
        LostConnection.mayHaveCommitted(new PgException("password", "FATAL", "28P01", null)));
    assertFalse(
        LostConnection.mayHaveCommitted(
            new NoStackTraceThrowable(
                "Pending requests failed to be sent due to connection has been closed.")));
    assertFalse(
        LostConnection.mayHaveCommitted(new PgException("deadlock", "ERROR", "40P01", null)));
    assertFalse(
        LostConnection.mayHaveCommitted(new PgException("canceled", "ERROR", "57014", null)));
    assertFalse(
        LostConnection.mayHaveCommitted(new PgException("read only", "ERROR", "25006", null)));
    assertFalse(LostConnection.mayHaveCommitted(new PgException("bad", "ERROR", "22003", null)));
    assertFalse(LostConnection.mayHaveCommitted(new IllegalArgumentException("a bug")));
  }
}
