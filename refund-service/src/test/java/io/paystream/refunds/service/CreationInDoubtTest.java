package io.paystream.refunds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ErrorCode;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which failures of a refund's creation statement leave its outcome to be looked up. */
class CreationInDoubtTest {
  @Test
  void aConnectionLostWithTheStatementSentIsInDoubt() {
    assertTrue(LostAnswers.inDoubt(new IOException("Connection reset")));
    assertTrue(LostAnswers.inDoubt(new VertxException("Connection was closed", true)));
    assertTrue(LostAnswers.inDoubt(new PgException("terminating", "FATAL", "57P01", null)));
    assertTrue(LostAnswers.inDoubt(new PgException("lost", "FATAL", "08006", null)));
  }

  @Test
  void aStatementNeverSentOrAnsweredWithAnErrorIsNot() {
    assertFalse(LostAnswers.inDoubt(new ConnectException("Connection refused")));
    assertFalse(LostAnswers.inDoubt(new VertxException(new ConnectException("refused"))));
    assertFalse(LostAnswers.inDoubt(new NoStackTraceThrowable("Timeout")));
    assertFalse(
        LostAnswers.inDoubt(
            new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
    // Refused before anything was sent: starting up or in recovery, unable to connect, rejected.
    assertFalse(LostAnswers.inDoubt(new PgException("starting up", "FATAL", "57P03", null)));
    assertFalse(LostAnswers.inDoubt(new PgException("unable", "FATAL", "08001", null)));
    assertFalse(LostAnswers.inDoubt(new PgException("rejected", "FATAL", "08004", null)));
    assertFalse(
        LostAnswers.inDoubt(
            new NoStackTraceThrowable(
                "Pending requests failed to be sent due to connection has been closed.")));
    assertFalse(LostAnswers.inDoubt(new PgException("deadlock", "ERROR", "40P01", null)));
    assertFalse(LostAnswers.inDoubt(new PgException("canceled", "ERROR", "57014", null)));
    assertFalse(LostAnswers.inDoubt(new PgException("read only", "ERROR", "25006", null)));
    assertFalse(LostAnswers.inDoubt(new PgException("bad", "ERROR", "22003", null)));
    assertFalse(LostAnswers.inDoubt(new IllegalArgumentException("a bug")));
  }

  @Test
  void theInDoubtAnswerIsA500ThatNamesTheRefund() {
    var e = LostAnswers.inDoubtAnswer("rfnd_0123456789abcdef");
    assertEquals(500, e.status(), "no 504, which the Ingress replaces with its own page");
    assertEquals(ErrorCode.SERVER_ERROR, e.code());
    assertNull(e.retryAfterSeconds());
    assertTrue(e.description().contains("rfnd_0123456789abcdef may have been created"));
  }
}
