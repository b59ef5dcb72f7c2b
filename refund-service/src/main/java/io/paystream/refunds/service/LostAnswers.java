package io.paystream.refunds.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.refunds.repository.RefundRepository;
import io.paystream.refunds.repository.RefundRepository.Admission;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.stream.Failures;
import io.paystream.shared.time.Delays;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A refund's creation statement whose answer was lost with its connection (a failover, a proxy
 * restarting, a reset): PostgreSQL may have committed it. The refund is looked for by its id before
 * the answer, so that a 503, which tells the client nothing was done, is never sent for a refund
 * that exists (and sent again without a key, would refund the customer twice).
 */
@ApplicationScoped
public class LostAnswers {
  private static final Logger LOG = Logger.getLogger(LostAnswers.class);

  /**
   * Pauses before each look for a refund whose creation's answer was lost: three looks within about
   * 2 s, each on a connection of its own from the pool, each waiting at most {@link
   * #LOCK_WAIT_MILLIS} for the creation statement to end. The first pause gives a statement still
   * on its way to PostgreSQL the time to get there and lock the payment first.
   */
  static final long[] LOOK_PAUSES_MILLIS = {100, 500, 1_000};

  static final long LOCK_WAIT_MILLIS = 500;

  private final RefundRepository refunds;
  private final MeterRegistry metrics;
  private final Vertx vertx;

  public LostAnswers(RefundRepository refunds, MeterRegistry metrics, Vertx vertx) {
    this.refunds = refunds;
    this.metrics = metrics;
    this.vertx = vertx;
  }

  /**
   * What PostgreSQL may answer a statement it had (perhaps) committed, as it ends the connection: a
   * lost connection, or the server shutting down (by an administrator, or after a crash). Not those
   * a connection gets before anything was sent on it: "cannot connect now" (57P03: starting up, in
   * recovery), "unable to establish" (08001) or "rejected" (08004).
   */
  private static final Set<String> ENDED_AFTER_SENDING =
      Set.of("08000", "08003", "08006", "08007", "57P01", "57P02");

  /**
   * Whether a creation statement that failed with {@code failure} may have been committed: its
   * connection was lost after it was sent. Not when it was never sent ({@link Failures#isUnsent}),
   * nor when PostgreSQL answered it with an error, which aborted it, unless that error is the
   * server ending the connection ({@link #ENDED_AFTER_SENDING}).
   */
  static boolean inDoubt(Throwable failure) {
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
   * Settles a creation statement whose answer was lost: the refund looked for by its id, up to
   * three times over about 2 s, each look waiting for the statement to end should PostgreSQL still
   * be running it. Found, the statement was committed, with its events, its job and the key's
   * response: the request succeeded. Not found, nothing was done, and {@code failure} stands (503).
   * When no look gets an answer, the refund may or may not exist: a 500 that tells the client so,
   * rather than the 503 that would invite it to send the refund again.
   */
  Uni<Admission> settle(RefundView refund, UUID merchantId, Throwable failure) {
    return lookFor(refund, merchantId, 0)
        .onFailure()
        .transform(
            lookFailed -> {
              LOG.warnf(
                  "refund %s: the answer to its creation was lost (%s) and whether it was created"
                      + " could not be learnt (%s): answered 500",
                  refund.id(), failure.getMessage(), lookFailed.getMessage());
              metrics.counter("paystream.refunds.requests", "outcome", "in_doubt").increment();
              return inDoubtAnswer(refund.id());
            })
        .chain(
            found -> {
              LOG.infof(
                  "refund %s: the answer to its creation was lost (%s); it was %s",
                  refund.id(), failure.getMessage(), found ? "created" : "not created");
              if (!found) {
                return Uni.createFrom().failure(failure);
              }
              return Uni.createFrom().item(new Admission(true, merchantId, "success"));
            });
  }

  private Uni<Boolean> lookFor(RefundView refund, UUID merchantId, int look) {
    return Delays.after(vertx, LOOK_PAUSES_MILLIS[look])
        .chain(() -> refunds.exists(refund.id(), refund.paymentId(), merchantId, LOCK_WAIT_MILLIS))
        .onFailure(failed -> Failures.isTransient(failed) && look + 1 < LOOK_PAUSES_MILLIS.length)
        .recoverWithUni(() -> lookFor(refund, merchantId, look + 1));
  }

  /**
   * The refund may have been created; the client is told how to find out. A 500 (a failure on our
   * side, outcome unknown), not a 504, which the Kubernetes Ingress would replace with its own
   * generic page (custom-http-errors), losing the refund's id and inviting the request again.
   */
  static ApiException inDoubtAnswer(String refundId) {
    return new ApiException(
        ErrorCode.SERVER_ERROR,
        500,
        "The database did not confirm the outcome: refund "
            + refundId
            + " may have been created. Look it up with GET /api/v1/refunds/"
            + refundId
            + " (404 if it was not) before sending the request again, or send it again with the"
            + " same Idempotency-Key",
        null,
        null);
  }
}
