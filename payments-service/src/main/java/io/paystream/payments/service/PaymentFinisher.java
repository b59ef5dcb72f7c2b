package io.paystream.payments.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.payments.PendingPayment;
import io.paystream.payments.repository.PaymentRepository;
import io.paystream.payments.repository.PaymentRepository.Finish;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.sql.Batcher;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.DatabaseClock;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Moves pending payments to their drawn outcomes, exactly once however many workers try: the update
 * only applies to a payment still pending, and the success/failure event is written by the same
 * statement.
 *
 * <p>Payments that fall due together are finished together: a {@link Batcher} writes those that
 * arrive while a statement runs with the next one (at most {@value #MAX_BATCH} per statement,
 * {@value #MAX_CONCURRENT} statements at a time). A burst of thousands of due payments thus costs a
 * few dozen commits and never takes the connections that accepting payments needs.
 */
@ApplicationScoped
public class PaymentFinisher {
  static final int MAX_BATCH = 256;
  static final int MAX_CONCURRENT = 2;

  private record Request(PendingPayment pending, String requestId) {}

  private final DatabaseClock clock;
  private final PaymentRepository payments;
  private final OutboxRelay relay;
  private final MeterRegistry metrics;
  private final Batcher<Request, Boolean> batcher;

  public PaymentFinisher(
      PaymentRepository payments, OutboxRelay relay, MeterRegistry metrics, DatabaseClock clock) {
    this.clock = clock;
    this.payments = payments;
    this.relay = relay;
    this.metrics = metrics;
    this.batcher = new Batcher<>(MAX_BATCH, MAX_CONCURRENT, this::finishAll);
  }

  /** Finishes the payment; emits whether this call was the one that finished it. */
  public Uni<Boolean> finish(PendingPayment pending, String requestId) {
    return batcher.submit(new Request(pending, requestId));
  }

  private Uni<List<Boolean>> finishAll(List<Request> requests) {
    Instant now = clock.now();
    List<Finish> batch = new ArrayList<>(requests.size());
    boolean[] first = new boolean[requests.size()];
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      Request r = requests.get(i);
      // The same payment twice in one batch (a job and the sweeper): the later one is not the
      // call that finishes it.
      first[i] = ids.add(r.pending().payment().id());
      if (first[i]) {
        batch.add(new Finish(r.pending(), event(r, now)));
      }
    }
    return payments
        .finish(batch, now, Streams.PAYMENT_EVENTS)
        .map(
            finished -> {
              if (!finished.isEmpty()) {
                relay.kick();
              }
              List<Boolean> results = new ArrayList<>(requests.size());
              for (int i = 0; i < requests.size(); i++) {
                PendingPayment pending = requests.get(i).pending();
                boolean done = first[i] && finished.contains(pending.payment().id());
                if (done) {
                  metrics
                      .counter("paystream.payments.finished", "status", pending.outcome().status())
                      .increment();
                }
                results.add(done);
              }
              return results;
            });
  }

  private static String event(Request r, Instant now) {
    PaymentView finished = r.pending().finished(now);
    EventType type =
        PaymentView.SUCCESS.equals(finished.status())
            ? EventType.PAYMENT_SUCCESS
            : EventType.PAYMENT_FAILED;
    return EventEnvelope.encode(
        Ids.event(), type, now, finished.merchantId(), r.requestId(), finished::writeEventData);
  }
}
