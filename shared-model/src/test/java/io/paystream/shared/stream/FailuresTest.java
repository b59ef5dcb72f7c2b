package io.paystream.shared.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
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
  void theDatabaseDecidesBySqlState() {
    assertTrue(Failures.isTransient(new PgException("starting up", "FATAL", "57P03", null)));
    assertTrue(Failures.isTransient(new PgException("deadlock", "ERROR", "40P01", null)));
    assertFalse(Failures.isTransient(new PgException("unique", "ERROR", "23505", null)));
    assertTrue(Failures.isConflict(new PgException("serialization", "ERROR", "40001", null)));
  }
}
