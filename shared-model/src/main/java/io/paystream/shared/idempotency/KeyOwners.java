package io.paystream.shared.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.paystream.shared.sql.Batcher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Which service a merchant's {@code Idempotency-Key} belongs to. A key's scope is the merchant, the
 * whole API: a key that created an order is refused (422) on a refund, although each service stores
 * its keys and answers in its own schema. The first service to use a key records itself in Redis
 * ({@code SET NX}, kept as long as keys are), in the Redis every service shares; a request in
 * another service then finds the key taken.
 *
 * <p>It is a guard in front of each service's own store, which stays the record of answers: when
 * Redis cannot tell within {@value #TIMEOUT_MILLIS} ms (down, or its data lost), the request goes
 * on, checked by its service's store alone. Keys that arrive together are recorded in one pipelined
 * batch. A key this instance has recorded or found its own is remembered for an hour, so retries
 * and replays cost no round trip.
 */
public final class KeyOwners {
  static final String PREFIX = "paystream:idempotency-key:";
  static final long TIMEOUT_MILLIS = 250;

  /**
   * Keys that arrive together are recorded together: up to this many per pipelined batch, with at
   * most {@link #MAX_CONCURRENT} batches in flight.
   */
  static final int MAX_BATCH = 256;

  static final int MAX_CONCURRENT = 2;
  private static final Logger LOG = Logger.getLogger(KeyOwners.class);

  /** Deletes the key only while this service holds it. */
  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end"
          + " return 0";

  private final Redis redis;
  private final String service;
  private final long ttlMillis;
  private final Cache<String, Boolean> ours =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).maximumSize(100_000).build();
  private final Batcher<String, String> sets =
      new Batcher<>(MAX_BATCH, MAX_CONCURRENT, this::setAll);

  /**
   * @param service the name this service records keys under
   * @param ttlMillis how long keys are kept (as long as the services keep their answers)
   */
  public KeyOwners(Redis redis, String service, long ttlMillis) {
    this.redis = redis;
    this.service = service;
    this.ttlMillis = ttlMillis;
  }

  /**
   * Records the key for this service unless another holds it. Emits whether this call recorded it
   * (only then may {@link #release} give it up), or fails with the 422 of a key used for a
   * different request.
   */
  public Uni<Boolean> claim(UUID merchantId, String key) {
    String name = name(merchantId, key);
    if (ours.getIfPresent(name) != null) {
      return Uni.createFrom().item(false);
    }
    return sets.submit(name)
        .map(
            previous -> {
              if (previous == null) {
                return false; // unknown: the service's own store decides
              }
              if (!previous.isEmpty() && !previous.equals(service)) {
                throw IdempotencyStore.refusal(IdempotencyClaim.MISMATCH);
              }
              ours.put(name, true);
              return previous.isEmpty();
            });
  }

  /**
   * {@code SET … NX GET} of each key, pipelined: per key, its owner before ({@code ""}: none, so
   * this service now), or {@code null} when Redis could not tell.
   */
  private Uni<List<String>> setAll(List<String> names) {
    List<Request> requests = new ArrayList<>(names.size());
    for (String name : names) {
      requests.add(
          Request.cmd(Command.SET)
              .arg(name)
              .arg(service)
              .arg("NX")
              .arg("GET")
              .arg("PX")
              .arg(ttlMillis));
    }
    return redis
        .batch(requests)
        .ifNoItem()
        .after(Duration.ofMillis(TIMEOUT_MILLIS))
        .failWith(() -> new IllegalStateException("no answer"))
        .map(
            responses -> {
              List<String> owners = new ArrayList<>(responses.size());
              for (Response previous : responses) {
                owners.add(previous == null ? "" : previous.toString());
              }
              return owners;
            })
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.debugf(
                  "idempotency key owners unknown (%s): checked by each service only", failure);
              return Collections.nCopies(names.size(), null);
            });
  }

  /**
   * Gives up a key this service recorded ({@link #claim} emitted true) for a request that stored
   * nothing, so that it may be used anywhere again. Never fails.
   */
  public Uni<Void> release(UUID merchantId, String key) {
    String name = name(merchantId, key);
    ours.invalidate(name);
    Request delete = Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(name).arg(service);
    return redis
        .send(delete)
        .ifNoItem()
        .after(Duration.ofMillis(TIMEOUT_MILLIS))
        .failWith(() -> new IllegalStateException("no answer"))
        .onFailure()
        .invoke(failure -> LOG.debugf("idempotency key owner not released (%s)", failure))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  private static String name(UUID merchantId, String key) {
    return PREFIX + merchantId + ":" + key;
  }
}
