package io.paystream.webhooks.health;

import io.paystream.shared.stream.Streams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far this service's consumer group is behind on each stream it reads, from {@code XINFO
 * GROUPS}: {@code lag} (entries not yet read by the group) and {@code pending} (read, not yet
 * acknowledged).
 */
@ApplicationScoped
public class StreamLag {
  public static final List<String> STREAMS =
      List.of(Streams.PAYMENT_EVENTS, Streams.REFUND_EVENTS, Streams.MERCHANT_EVENTS);

  /** One stream's figures. */
  public record Lag(double lag, double pending) {}

  private static final Lag UNKNOWN = new Lag(Double.NaN, Double.NaN);

  private final Redis redis;
  private final Map<String, Lag> last = new ConcurrentHashMap<>();

  public StreamLag(Redis redis) {
    this.redis = redis;
  }

  /** The stream's figures as last read; NaN-valued when the last read failed (unknown, not 0). */
  public Lag of(String stream) {
    return last.getOrDefault(stream, UNKNOWN);
  }

  /** Reads every stream's figures again. */
  public Uni<Void> refresh() {
    return Uni.join()
        .all(STREAMS.stream().map(this::read).toList())
        .andCollectFailures()
        .replaceWithVoid();
  }

  private Uni<Void> read(String stream) {
    return redis
        .send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream))
        .onFailure(e -> String.valueOf(e.getMessage()).startsWith("ERR no such key"))
        .recoverWithNull()
        .onFailure()
        .invoke(e -> last.remove(stream)) // unknown now: the gauges say so, not the last figures
        .invoke(
            reply -> {
              if (reply == null) {
                last.put(stream, new Lag(0, 0)); // no stream yet: nothing to read
                return;
              }
              for (Response group : reply) {
                if (Streams.WEBHOOK_SERVICE.equals(text(field(group, "name")))) {
                  last.put(
                      stream,
                      new Lag(number(field(group, "lag")), number(field(group, "pending"))));
                }
              }
            })
        .replaceWithVoid();
  }

  /** A field of a reply that is a map (RESP3) or a flat name/value array (RESP2). */
  private static Response field(Response r, String name) {
    try {
      if (!r.getKeys().isEmpty()) {
        return r.get(name);
      }
    } catch (UnsupportedOperationException | IllegalStateException e) {
      // not a map
    }
    for (int i = 0; i + 1 < r.size(); i += 2) {
      if (name.equals(r.get(i).toString())) {
        return r.get(i + 1);
      }
    }
    return null;
  }

  private static String text(Response r) {
    return r == null ? null : r.toString();
  }

  private static long number(Response r) {
    try {
      return r == null ? 0 : Long.parseLong(r.toString());
    } catch (NumberFormatException e) {
      return 0; // lag is nil when Redis cannot tell
    }
  }
}
