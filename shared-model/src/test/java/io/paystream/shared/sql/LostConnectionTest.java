package io.paystream.shared.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.net.ConnectException;
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
    // A pooler's words for its connection to the server breaking under the statement (PgBouncer),
    // and any other end of the session while a statement ran.
    assertTrue(
        LostConnection.mayHaveCommitted(
            new PgException("server conn crashed?", "FATAL", "08P01", null)));
    assertTrue(
        LostConnection.mayHaveCommitted(new PgException("query_timeout", "FATAL", "08P01", null)));
    assertTrue(
        LostConnection.mayHaveCommitted(new PgException("no space left", "FATAL", "53100", null)));
    assertTrue(LostConnection.mayHaveCommitted(new PgException("crash", "PANIC", "57P02", null)));
  }

  @Test
  void aStatementNeverSentOrAnsweredWithAnErrorDidNot() {
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
