package io.paystream.webhooks.delivery;

import io.paystream.shared.time.DatabaseClock;
import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.repository.DeliveryRepository.Room;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attempts this instance is making, per endpoint, per merchant and in all. Claims and the
 * leases taken when deliveries are created take no more than there is room for, so that a slow or
 * dead endpoint holds at most its own share and never the slots that deliveries to other endpoints
 * need, and a merchant with many such endpoints at most its own share of the whole. (Two statements
 * running at once may each see the same room: the bound can be passed by one batch.)
 *
 * <p>It also knows the deliveries this instance holds: from the lease until the attempt's outcome
 * is written ({@link #settled}). Its claims leave those alone even once their lease has run out: an
 * outcome the database took longer than the lease to write (a stall, connections that cannot be
 * made) would otherwise have its delivery claimed and sent again by the instance that sent it.
 */
@ApplicationScoped
public class InFlight {
  private final DatabaseClock clock;
  private final int max;
  private final int perEndpoint;
  private final int perMerchant;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<UUID, Integer> byEndpoint = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, Integer> byMerchant = new ConcurrentHashMap<>();

  /**
   * The deliveries held, each with the time its lease was half over ({@link DueDelivery#startBy}).
   */
  private final ConcurrentHashMap<UUID, Instant> unsettled = new ConcurrentHashMap<>();

  public InFlight(WebhooksConfig config, DatabaseClock clock) {
    this.clock = clock;
    this.max = config.delivery().maxInFlight();
    this.perEndpoint = config.delivery().maxInFlightPerEndpoint();
    this.perMerchant = config.delivery().maxInFlightPerMerchant().orElse(Math.max(1, max / 2));
  }

  /**
   * Starts an attempt of {@code delivery}, leased until some time after {@code halfLease}, which is
   * held until {@link #settled}.
   */
  void start(UUID delivery, Instant halfLease, UUID merchant, UUID endpoint) {
    unsettled.put(delivery, halfLease);
    total.incrementAndGet();
    byEndpoint.merge(endpoint, 1, Integer::sum);
    byMerchant.merge(merchant, 1, Integer::sum);
  }

  /**
   * Ends an attempt; returns whether it freed room that was used up (a claim may now find more).
   */
  boolean finish(UUID merchant, UUID endpoint) {
    boolean wasFull = total.getAndDecrement() >= max;
    boolean endpointWasFull = decrement(byEndpoint, endpoint) >= perEndpoint;
    boolean merchantWasFull = decrement(byMerchant, merchant) >= perMerchant;
    return wasFull || endpointWasFull || merchantWasFull;
  }

  /**
   * Lets go of {@code delivery}: its attempt's outcome is written (or was given up on, or the
   * attempt was never made), and a claim of this instance may take it when it is due.
   */
  public void settled(UUID delivery) {
    unsettled.remove(delivery);
  }

  /** Takes one from {@code key}'s count (forgetting it at zero); returns the count before. */
  private static int decrement(ConcurrentHashMap<UUID, Integer> counts, UUID key) {
    int[] before = new int[1];
    counts.computeIfPresent(
        key,
        (id, n) -> {
          before[0] = n;
          return n <= 1 ? null : n - 1;
        });
    return before[0];
  }

  /** Attempts running now. */
  public int total() {
    return total.get();
  }

  /** Attempts that may still start. */
  public int free() {
    return Math.max(0, max - total.get());
  }

  /** The attempts running per endpoint and per merchant, and the endpoints at their share. */
  public Room room() {
    Set<UUID> full = new HashSet<>();
    Map<UUID, Integer> busy = new HashMap<>(byEndpoint);
    busy.forEach(
        (id, n) -> {
          if (n >= perEndpoint) {
            full.add(id);
          }
        });
    return new Room(
        full, busy, perEndpoint, new HashMap<>(byMerchant), perMerchant, heldPastHalfLease());
  }

  /**
   * The deliveries held whose lease is half over: a claim can meet no other (the rest are not due
   * before their lease ends), and there are none while outcomes are written in good time, so that
   * claims carry no list of every attempt in flight.
   */
  private Set<UUID> heldPastHalfLease() {
    if (unsettled.isEmpty()) {
      return Set.of();
    }
    Instant now = clock.now();
    Set<UUID> held = new HashSet<>();
    unsettled.forEach(
        (id, halfLease) -> {
          if (!halfLease.isAfter(now)) {
            held.add(id);
          }
        });
    return held;
  }
}
