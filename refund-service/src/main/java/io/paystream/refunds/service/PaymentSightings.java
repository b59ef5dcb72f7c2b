package io.paystream.refunds.service;

import io.paystream.refunds.ProjectedPayment;
import io.paystream.refunds.config.RefundsConfig;
import io.paystream.refunds.messaging.PaymentEventsConsumer;
import io.paystream.refunds.repository.PaymentRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.security.InFlightLimit;
import io.paystream.shared.time.Delays;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Read-your-writes across services. A client may ask about a payment a moment after
 * payments-service answered for it, before its event reached this service. Rather than answer
 * wrongly (404, or "not refundable" for a payment that just succeeded), a request waits for the
 * news: it reads the projection again on Vert.x timers (25 ms, then gradually up to every 200 ms;
 * no thread waits) until the payment shows up as the caller's, settled where that matters, or until
 * its deadline ({@code projection.max-wait}, 2 s). The projection is shared by every instance, so
 * it does not matter which one applies the event.
 */
@ApplicationScoped
public class PaymentSightings {
  /**
   * How long the look at Redis after the wait may take (a few round trips, normally a millisecond):
   * one that takes longer cannot tell, and the answer is 503.
   */
  static final Duration LAST_LOOK_WITHIN = Duration.ofSeconds(1);

  private static final long FIRST_PAUSE_MILLIS = 25;
  private static final long MAX_PAUSE_MILLIS = 200;

  private final PaymentRepository payments;
  private final PaymentEventsConsumer paymentEvents;
  private final Vertx vertx;
  private final long maxWaitNanos;
  private final InFlightLimit<UUID> waitingBy;

  public PaymentSightings(
      PaymentRepository payments,
      PaymentEventsConsumer paymentEvents,
      Vertx vertx,
      RefundsConfig config) {
    this.payments = payments;
    this.paymentEvents = paymentEvents;
    this.vertx = vertx;
    this.maxWaitNanos = config.projection().maxWait().toNanos();
    this.waitingBy = new InFlightLimit<>(config.projection().maxWaitingPerMerchant());
  }

  /** The deadline of a request that arrives now. */
  public long deadline() {
    return System.nanoTime() + maxWaitNanos;
  }

  public static boolean passed(long deadline) {
    return System.nanoTime() - deadline >= 0;
  }

  /**
   * Completes once the payment is known as the merchant's and, with {@code settled}, is no longer
   * pending; or at the deadline, whatever it shows then.
   */
  public Uni<Void> awaitNews(String paymentId, UUID merchantId, boolean settled, long deadline) {
    return Uni.createFrom()
        .deferred(
            () -> {
              if (!waitingBy.tryAcquire(merchantId)) {
                return Uni.createFrom()
                    .failure(
                        ApiException.rateLimited(
                            "Too many requests are waiting for payment information; retry shortly",
                            1));
              }
              return poll(paymentId, merchantId, settled, deadline, FIRST_PAUSE_MILLIS)
                  .onTermination()
                  .invoke(() -> waitingBy.release(merchantId));
            });
  }

  /** Requests waiting for news of a payment right now. */
  public int waiting() {
    return waitingBy.total();
  }

  /**
   * The answer at the deadline about a payment this service has not seen as the caller needs it:
   * once every payment event published so far has reached this service, {@code lastRead}, the
   * caller's read made once more and final; 503 (retry shortly) while it cannot tell, because it
   * cannot read payment events or has not caught up with them (a replay, a burst, events a crashed
   * instance had read and not yet handled, an event about this payment being handled right now,
   * events payments-service could not publish yet), or cannot learn whether it has within {@link
   * #LAST_LOOK_WITHIN}. The read comes after that check, not before it: an event applied while the
   * check ran (found handled, so not behind) shows in it.
   */
  public <T> Uni<T> lastLook(String paymentId, Supplier<Uni<T>> lastRead) {
    if (!paymentEvents.consumer().isHealthy()) {
      return Uni.createFrom().failure(unavailable());
    }
    return paymentEvents
        .behind(paymentId)
        // Redis that does not answer (paused, a connection dropped without a word) cannot tell.
        .ifNoItem()
        .after(LAST_LOOK_WITHIN)
        .fail()
        .onFailure()
        .recoverWithItem(true)
        .chain(behind -> behind ? Uni.createFrom().failure(unavailable()) : lastRead.get());
  }

  private static ApiException unavailable() {
    return ApiException.unavailable("Payment information is catching up; retry shortly");
  }

  public static ApiException notFound() {
    return ApiException.notFound("Payment not found");
  }

  private Uni<Void> poll(
      String paymentId, UUID merchantId, boolean settled, long deadline, long pause) {
    if (passed(deadline)) {
      return Uni.createFrom().voidItem();
    }
    long left = (deadline - System.nanoTime() + 999_999) / 1_000_000; // at least 1 ms
    return Delays.after(vertx, Math.min(pause, left))
        .chain(() -> payments.find(paymentId))
        .chain(
            p -> {
              if (isNews(p, merchantId, settled)) {
                return Uni.createFrom().voidItem();
              }
              long next = Math.min(MAX_PAUSE_MILLIS, pause * 3 / 2);
              return poll(paymentId, merchantId, settled, deadline, next);
            });
  }

  private static boolean isNews(ProjectedPayment p, UUID merchantId, boolean settled) {
    return p != null && p.ownedBy(merchantId) && !(settled && p.isPending());
  }
}
