package io.paystream.webhooks.delivery;

import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.repository.DeliveryRepository.Room;
import jakarta.enterprise.context.ApplicationScoped;
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
 */
@ApplicationScoped
public class InFlight {
  private final int max;
  private final int perEndpoint;
  private final int perMerchant;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<UUID, Integer> byEndpoint = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, Integer> byMerchant = new ConcurrentHashMap<>();

  public InFlight(WebhooksConfig config) {
    this.max = config.delivery().maxInFlight();
    this.perEndpoint = config.delivery().maxInFlightPerEndpoint();
    this.perMerchant = config.delivery().maxInFlightPerMerchant().orElse(Math.max(1, max / 2));
  }

  void start(UUID merchant, UUID endpoint) {
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
    return new Room(full, busy, perEndpoint, new HashMap<>(byMerchant), perMerchant);
  }
}
