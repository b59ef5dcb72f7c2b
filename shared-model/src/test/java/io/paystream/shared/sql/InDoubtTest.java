package io.paystream.shared.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which failed creations are looked up, and what the looks make of the answer. */
class InDoubtTest {
  private static final InDoubt.Subject REFUND =
      InDoubt.Subject.creation("refund", "rfnd_0123456789abcdef", "/api/v1/refunds/");
  private static final IOException LOST = new IOException("Connection reset");

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.closeAndAwait();
  }

  @Test
  void theUnknownOutcomeIsA500ThatNamesWhatMayExistAndWhereToLook() {
    ApiException e = InDoubt.unknownOutcome(REFUND);
    assertEquals(500, e.status(), "no 504, which the Ingress replaces with its own page");
    assertEquals(ErrorCode.SERVER_ERROR, e.code());
    assertNull(e.retryAfterSeconds());
    assertTrue(e.description().contains("refund rfnd_0123456789abcdef may have been created"));
    assertTrue(
        e.description()
            .contains(
                "Look it up with GET /api/v1/refunds/rfnd_0123456789abcdef (404 if it was not)"),
        e.description());
    var capture =
        new InDoubt.Subject(
            "payment pay_0123456789abcdef",
            "captured",
            InDoubt.Subject.lookUp(
                "/api/v1/payments/pay_0123456789abcdef", "\"captured\": false if it was not"));
    assertTrue(
        InDoubt.unknownOutcome(capture)
            .description()
            .contains(
                "payment pay_0123456789abcdef may have been captured. Look it up with GET"
                    + " /api/v1/payments/pay_0123456789abcdef (\"captured\": false if it was"
                    + " not) before sending the request again"));
  }

  @Test
  void foundAtTheFirstLookTheCreationStands() {
    Looks looks = new Looks(Uni.createFrom().item(true));
    assertNull(failure(looks));
    assertEquals(1, looks.asked.get());
  }

  @Test
  void notFoundAtTheLastLookTheLostAnswersOwnFailureStands() {
    Looks looks = new Looks(Uni.createFrom().item(false));
    long started = System.nanoTime();
    assertSame(LOST, failure(looks), "the 503 of a creation that was not made");
    long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertEquals(3, looks.asked.get());
    assertTrue(tookMillis >= 1_600, "not made is answered after the last look: " + tookMillis);
  }

  @Test
  void aCreationNotFoundAtFirstIsFoundByALaterLook() {
    // Still waiting for another's lock, or committed but not yet seen, at the first look.
    Looks looks =
        new Looks(
            Uni.createFrom().item(false),
            Uni.createFrom().item(false),
            Uni.createFrom().item(true));
    assertNull(failure(looks));
    assertEquals(3, looks.asked.get());
  }

  @Test
  void notFoundAndThenNoAnswerLeavesTheOutcomeUnknown() {
    Looks looks =
        new Looks(
            Uni.createFrom().item(false), Uni.createFrom().failure(new IOException("refused")));
    assertUnknownOutcome(failure(looks));
    assertEquals(3, looks.asked.get());
  }

  @Test
  void looksThatFailForAMomentAreMadeAgainAfterLongerPauses() {
    Looks looks =
        new Looks(
            Uni.createFrom().failure(new IOException("refused")),
            Uni.createFrom().failure(new NoStackTraceThrowable("Timeout")),
            Uni.createFrom().item(true));
    long started = System.nanoTime();
    assertNull(failure(looks));
    long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertEquals(3, looks.asked.get());
    assertTrue(
        tookMillis >= 1_600, "three looks after pauses of 100, 500 and 1000 ms: " + tookMillis);
  }

  @Test
  void withNoLookAnsweredTheOutcomeIsUnknown() {
    Looks looks = new Looks(Uni.createFrom().failure(new IOException("refused")));
    assertUnknownOutcome(failure(looks));
    assertEquals(3, looks.asked.get());
  }

  @Test
  void aLookThatFailsForGoodIsNotMadeAgainAndLeavesTheOutcomeUnknown() {
    Looks looks = new Looks(Uni.createFrom().failure(new IllegalStateException("a bug")));
    assertUnknownOutcome(failure(looks));
    assertEquals(1, looks.asked.get());
  }

  @Test
  void aFailureNotInDoubtStandsWithoutALook() {
    Looks looks = new Looks(Uni.createFrom().item(true));
    ConnectException refused = new ConnectException("Connection refused");
    assertSame(refused, failure(refused, looks));
    assertEquals(0, looks.asked.get());
  }

  /** How the looks settle the lost answer: {@code null} when the creation stands. */
  private Throwable failure(Looks looks) {
    return failure(LOST, looks);
  }

  private Throwable failure(Throwable statementFailure, Looks looks) {
    return Uni.createFrom()
        .<Boolean>failure(statementFailure)
        .plug(InDoubt.lookedUp(vertx, REFUND, looks, true))
        .map(made -> made ? null : (Throwable) new AssertionError("made is true"))
        .onFailure()
        .recoverWithItem(f -> f)
        .await()
        .atMost(Duration.ofSeconds(10));
  }

  private static void assertUnknownOutcome(Throwable failure) {
    assertTrue(InDoubt.isUnknownOutcome(failure), String.valueOf(failure));
  }

  /** Answers each look with the next of its answers, the last one again once they run out. */
  private static final class Looks implements Supplier<Uni<Boolean>> {
    final Deque<Uni<Boolean>> answers = new ArrayDeque<>();
    final AtomicInteger asked = new AtomicInteger();

    @SafeVarargs
    Looks(Uni<Boolean>... answers) {
      for (Uni<Boolean> answer : answers) {
        this.answers.add(answer);
      }
    }

    @Override
    public Uni<Boolean> get() {
      asked.incrementAndGet();
      return answers.size() > 1 ? answers.poll() : answers.peek();
    }
  }
}
