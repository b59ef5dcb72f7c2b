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
 * The attempts this instance is making, per endpoint and in all. Claims and the leases taken when
 * deliveries are created take no more than there is room for, so that a slow or dead endpoint holds
 * at most its own share and never the slots that deliveries to other endpoints need. (Two
 * statements running at once may each see the same room: the bound can be passed by one batch.)
 */
@ApplicationScoped
public class InFlight {
  private final int max;
  private final int perEndpoint;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<UUID, Integer> byEndpoint = new ConcurrentHashMap<>();

  public InFlight(WebhooksConfig config) {
    this.max = config.delivery().maxInFlight();
    this.perEndpoint = config.delivery().maxInFlightPerEndpoint();
  }

  void start(UUID endpoint) {
    total.incrementAndGet();
    byEndpoint.merge(endpoint, 1, Integer::sum);
  }

  /**
   * Ends an attempt; returns whether it freed room that was used up (a claim may now find more).
   */
  boolean finish(UUID endpoint) {
    boolean wasFull = total.getAndDecrement() >= max;
    int[] before = new int[1];
    byEndpoint.computeIfPresent(
        endpoint,
        (id, n) -> {
          before[0] = n;
          return n <= 1 ? null : n - 1;
        });
    return wasFull || before[0] >= perEndpoint;
  }

  /** Attempts running now. */
  public int total() {
    return total.get();
  }

  /** Attempts that may still start. */
  public int free() {
    return Math.max(0, max - total.get());
  }

  /** The attempts running per endpoint, and the endpoints at their share. */
  public Room room() {
    Set<UUID> full = new HashSet<>();
    Map<UUID, Integer> busy = new HashMap<>(byEndpoint);
    busy.forEach(
        (id, n) -> {
          if (n >= perEndpoint) {
            full.add(id);
          }
        });
    return new Room(full, busy, perEndpoint);
  }
}
