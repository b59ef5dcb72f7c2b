package io.paystream.shared.sql;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.stream.Failures;
import io.paystream.shared.time.Delays;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.pgclient.PgException;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A creation whose answer was lost with its connection (a failover, a proxy restarting, a reset):
 * PostgreSQL may have committed it. What was created is looked for before the client is answered,
 * so that a 503, which tells the client nothing was done, is never sent for something that exists
 * (and, sent again without a key, would be made twice: a second refund, a second endpoint that gets
 * every event again).
 *
 * <pre>{@code
 * return repository.create(refund, …)
 *     .onFailure(InDoubt::isInDoubt)
 *     .recoverWithUni(failure -> InDoubt.settle(vertx, failure, new InDoubt.Subject(
 *         "refund", refund.id(), "/api/v1/refunds/"), () -> repository.exists(refund.id(), …)))
 *     .map(ignored -> created(refund));
 * }</pre>
 */
public final class InDoubt {
  private static final Logger LOG = Logger.getLogger(InDoubt.class);

  /**
   * Pauses before each look: three looks within about 2 s, each on a connection of its own from the
   * pool. The first pause gives a statement still on its way to PostgreSQL the time to get there
   * and take its locks first.
   */
  static final long[] LOOK_PAUSES_MILLIS = {100, 500, 1_000};

  /**
   * How long a look waits for the lock its creation holds until it commits or aborts, so that it
   * reads only once a creation PostgreSQL may still be running has ended.
   */
  public static final long LOCK_WAIT_MILLIS = 500;

  /**
   * What PostgreSQL may answer a statement it had (perhaps) committed, as it ends the connection: a
   * lost connection, or the server shutting down (by an administrator, or after a crash). Not those
   * a connection gets before anything was sent on it: "cannot connect now" (57P03: starting up, in
   * recovery), "unable to establish" (08001) or "rejected" (08004).
   */
  private static final Set<String> ENDED_AFTER_SENDING =
      Set.of("08000", "08003", "08006", "08007", "57P01", "57P02");

  private InDoubt() {}

  /**
   * What a creation made: its kind and id, and the path its id is looked up under ({@code
   * "/api/v1/refunds/"}), for the answer that tells the client how to find out.
   */
  public record Subject(String kind, String id, String lookupPath) {}

  /**
   * Whether a creation that failed with {@code failure} may have been committed: its connection was
   * lost after it was sent. Not when it was never sent ({@link Failures#isUnsent}), nor when
   * PostgreSQL answered it with an error, which aborted it, unless that error is the server ending
   * the connection ({@link #ENDED_AFTER_SENDING}).
   */
  public static boolean isInDoubt(Throwable failure) {
    if (!Failures.isTransient(failure) || Failures.isUnsent(failure)) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return ENDED_AFTER_SENDING.contains(String.valueOf(pg.getSqlState()));
      }
    }
    return true;
  }

  /**
   * Settles a creation whose answer was lost ({@code failure}): {@code look} asked up to three
   * times over about 2 s whether it exists, each look waiting (at most {@link #LOCK_WAIT_MILLIS})
   * for the creation to end should PostgreSQL still be running it. Completes when it exists: the
   * creation was committed, with all it wrote, and the request succeeded. Fails with {@code
   * failure} (a 503) when it does not: nothing was done. When no look gets an answer, it may or may
   * not exist: fails with {@link #unknownOutcome}, a 500 that says so, rather than the 503 that
   * would invite the request again.
   */
  public static Uni<Void> settle(
      Vertx vertx, Throwable failure, Subject subject, Supplier<Uni<Boolean>> look) {
    return lookFor(vertx, look, 0)
        .onFailure()
        .transform(
            lookFailed -> {
              LOG.warnf(
                  "%s %s: the answer to its creation was lost (%s) and whether it was created"
                      + " could not be learnt (%s): answered 500",
                  subject.kind(), subject.id(), failure.getMessage(), lookFailed.getMessage());
              return unknownOutcome(subject);
            })
        .chain(
            found -> {
              LOG.infof(
                  "%s %s: the answer to its creation was lost (%s); it was %s",
                  subject.kind(),
                  subject.id(),
                  failure.getMessage(),
                  found ? "created" : "not created");
              return found ? Uni.createFrom().voidItem() : Uni.createFrom().failure(failure);
            });
  }

  private static Uni<Boolean> lookFor(Vertx vertx, Supplier<Uni<Boolean>> look, int n) {
    return Delays.after(vertx, LOOK_PAUSES_MILLIS[n])
        .chain(look::get)
        .onFailure(failed -> Failures.isTransient(failed) && n + 1 < LOOK_PAUSES_MILLIS.length)
        .recoverWithUni(() -> lookFor(vertx, look, n + 1));
  }

  /**
   * The creation may have been made; the client is told how to find out. A 500 (a failure on our
   * side, outcome unknown), not a 504, which the Kubernetes Ingress would replace with its own
   * generic page (custom-http-errors), losing the id and inviting the request again.
   */
  public static ApiException unknownOutcome(Subject subject) {
    String lookup = subject.lookupPath() + subject.id();
    return new ApiException(
        ErrorCode.SERVER_ERROR,
        500,
        "The database did not confirm the outcome: "
            + subject.kind()
            + " "
            + subject.id()
            + " may have been created. Look it up with GET "
            + lookup
            + " (404 if it was not) before sending the request again, or send it again with the"
            + " same Idempotency-Key",
        null,
        null);
  }

  /** Whether {@code failure} is the answer {@link #unknownOutcome} gives. */
  public static boolean isUnknownOutcome(Throwable failure) {
    return failure instanceof ApiException e
        && e.code() == ErrorCode.SERVER_ERROR
        && e.description().startsWith("The database did not confirm the outcome");
  }
}
