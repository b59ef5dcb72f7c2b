package io.paystream.shared.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void connectionLossesTheClientReportsAsBareMessagesAreTransient() {
    assertTrue(
        Failures.isTransient(
            new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
    assertTrue(Failures.isTransient(new CompletionException(new NoStackTraceThrowable("Timeout"))));
    assertFalse(Failures.isTransient(new NoStackTraceThrowable("Something else")));
  }

  @Test
  void aCommandThatNeverLeftIsUnsentAndOneLostOnTheWayIsNot() {
    assertTrue(Failures.isUnsent(new ConnectException("Connection refused")));
    assertTrue(Failures.isUnsent(new CompletionException(new ConnectException("refused"))));
    assertTrue(Failures.isUnsent(new NoStackTraceThrowable("Timeout")));
    assertTrue(
        Failures.isUnsent(
            new NoStackTraceThrowable("Connection is not active now, current status")));
    assertTrue(
        Failures.isUnsent(
            new NoStackTraceThrowable(
                "Pending requests failed to be sent due to connection has been closed.")));
    assertFalse(Failures.isUnsent(new IOException("Connection reset by peer")));
    assertFalse(Failures.isUnsent(new PgException("terminating", "FATAL", "57P01", null)));
  }

  @Test
  void theDatabaseDecidesBySqlState() {
    assertTrue(Failures.isTransient(new PgException("starting up", "FATAL", "57P03", null)));
    assertTrue(Failures.isTransient(new PgException("deadlock", "ERROR", "40P01", null)));
    assertFalse(Failures.isTransient(new PgException("unique", "ERROR", "23505", null)));
    assertTrue(Failures.isConflict(new PgException("serialization", "ERROR", "40001", null)));
  }

  @Test
  void aDatabaseThatCannotServeTheWorkForNowIsNotTheWorksFault() {
    // A failover to a standby, a password being changed, a lock timeout: counted against an event,
    // an outage of a minute would send every event to the dead letters.
    for (String state : new String[] {"25006", "28P01", "28000", "55P03", "55006"}) {
      assertTrue(Failures.isTransient(new PgException("m", "ERROR", state, null)), state);
    }
    // Bad data, a broken rule, a statement the server cannot read, and what may last and hold one
    // kind of work only (a missing grant, a damaged page): the work's own, not retried for ever.
    for (String state :
        new String[] {"22003", "22P02", "23503", "23514", "42601", "54000", "42501", "58030"}) {
      assertFalse(Failures.isTransient(new PgException("m", "ERROR", state, null)), state);
    }
  }

  @Test
  void aRedisThatCannotServeForNowIsTransientAndAWrongCommandIsNot() {
    assertTrue(Failures.isTransient(ErrorType.create("LOADING Redis is loading the dataset")));
    assertTrue(
        Failures.isTransient(
            ErrorType.create("READONLY You can't write against a read only replica.")));
    assertTrue(Failures.isTransient(ErrorType.create("OOM command not allowed")));
    assertFalse(Failures.isTransient(ErrorType.create("WRONGTYPE Operation against a key")));
    assertFalse(Failures.isTransient(ErrorType.create("ERR syntax error")));
    // A pipeline's failure, as the client reports it: its failed commands' replies by index.
    String line = System.lineSeparator();
    assertTrue(
        Failures.isTransient(
            ErrorType.create(
                "ERR [0]LOADING Redis is loading the dataset in memory"
                    + line
                    + "ERR [1]LOADING Redis is")));
    // A connection lost under a pipeline, or under one command, as the client reports it.
    assertTrue(
        Failures.isTransient(ErrorType.create("ERR [0]CONNECTION_CLOSED" + line + "ERR [1]CONN")));
    assertTrue(
        Failures.isTransient(
            ErrorType.create("ERR [0]java.io.IOException: Connection reset by peer")));
    assertTrue(Failures.isTransient(ErrorType.create("CONNECTION_CLOSED")));
    assertFalse(Failures.isTransient(ErrorType.create("ERR [2]WRONGTYPE Operation against a key")));
  }
}
