package io.paystream.webhooks.messaging;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.sql.Batcher;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.delivery.DeliveryScheduler;
import io.paystream.webhooks.delivery.Dispatcher;
import io.paystream.webhooks.delivery.InFlight;
import io.paystream.webhooks.delivery.LeaseLock;
import io.paystream.webhooks.delivery.NewEvent;
import io.paystream.webhooks.delivery.WebhookBody;
import io.paystream.webhooks.repository.DeliveryRepository;
import io.paystream.webhooks.repository.DeliveryRepository.Lease;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns webhook events into deliveries: the body is serialized once, and one statement per batch of
 * events inserts a delivery per matching endpoint (never a second for the same event and endpoint,
 * however often the event is redelivered). The rows this instance has room for are leased to it by
 * that statement and attempted at once; the stream entry is acknowledged after.
 */
@ApplicationScoped
public class EventIntake {
  private static final Logger LOG = Logger.getLogger(EventIntake.class);

  private final DatabaseClock clock;
  private final DeliveryRepository deliveries;
  private final InFlight inFlight;
  private final Dispatcher dispatcher;
  private final DeliveryScheduler scheduler;
  private final LeaseLock leaseLock;
  private final Duration lease;
  private final Batcher<NewEvent, Void> batcher;

  public EventIntake(
      DeliveryRepository deliveries,
      InFlight inFlight,
      Dispatcher dispatcher,
      DeliveryScheduler scheduler,
      LeaseLock leaseLock,
      DatabaseClock clock,
      WebhooksConfig config) {
    this.clock = clock;
    this.deliveries = deliveries;
    this.inFlight = inFlight;
    this.dispatcher = dispatcher;
    this.scheduler = scheduler;
    this.leaseLock = leaseLock;
    this.lease = config.delivery().lease();
    // One batch being written and one formed behind it: both go through the lease lock.
    this.batcher = Batcher.writes(500, 2, this::create);
  }

  /** Creates the event's deliveries; completes once they are committed. */
  public Uni<Void> accept(EventEnvelope event) {
    if (!event.type().isWebhookEvent() || event.merchantId() == null) {
      return Uni.createFrom().voidItem();
    }
    UUID merchant;
    try {
      merchant = UUID.fromString(event.merchantId());
    } catch (IllegalArgumentException e) {
      LOG.warnf("%s %s names no merchant id; skipped", event.type(), event.id());
      return Uni.createFrom().voidItem();
    }
    Instant at = event.createdAt() == null ? Instant.now() : event.createdAt();
    byte[] body = WebhookBody.of(event.type().wireName(), at, event.data());
    return batcher.submit(
        new NewEvent(event.id(), merchant, event.type().wireName(), body, event.requestId(), at));
  }

  /** Leases are never taken on this instance's own clock: the first batch waits for a reading. */
  private Uni<Void> create(List<NewEvent> batch) {
    return leaseLock.run(() -> clock.readOnce().chain(() -> createLeasing(batch)));
  }

  private Uni<Void> createLeasing(List<NewEvent> batch) {
    Instant now = clock.now();
    int free = scheduler.isRunning() ? inFlight.free() : 0;
    Lease l = new Lease(UUID.randomUUID(), now, free > 0 ? now.plus(lease) : null);
    return deliveries
        .create(batch, l, free, inFlight.room())
        .invoke(
            created -> {
              dispatcher.dispatch(created.leased());
              if (created.waiting() > 0) {
                scheduler.wake();
              }
            })
        .replaceWithVoid();
  }
}
