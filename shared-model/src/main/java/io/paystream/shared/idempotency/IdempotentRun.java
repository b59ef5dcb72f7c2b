package io.paystream.shared.idempotency;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.security.SecretBox;
import io.smallrye.mutiny.Uni;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Runs a request that creates or changes something under its {@code Idempotency-Key}.
 *
 * <pre>{@code
 * byte[] fingerprint = run.fingerprint("POST", path, body);
 * return run.run(merchantId, key, fingerprint, storing ->
 *     repository.create(…, storing.response(201, body)).map(ok -> ApiResponse.created(body)));
 * }</pre>
 *
 * A stored answer is replayed before any business rule is checked; a different request with the key
 * is refused (422), as is one arriving while the first runs (409). When the work fails, for a rule
 * (4xx) or anything else, the key is released and nothing is stored; unless the request outlived
 * its claim's lease and another request took the key over: that one keeps it, and this one answers
 * 409 with its change undone.
 *
 * <p>Work whose statement can claim the key itself runs with {@link #runClaiming}: one statement
 * instead of two for the common case of a new key.
 */
public final class IdempotentRun {
  /** How many lately used keys {@link #runClaiming} remembers. */
  static final int RECENT_KEYS = 1 << 14;

  private final IdempotencyStore store;
  private final SecretBox box;
  private final RequestFingerprints fingerprints;
  private final RecentKeys recent = new RecentKeys(RECENT_KEYS);

  /**
   * @param box the deployment's key: fingerprints are keyed with a key derived from it, and
   *     responses holding a secret are sealed with it ({@link #runSealed})
   */
  public IdempotentRun(IdempotencyStore store, SecretBox box) {
    this.store = store;
    this.box = box;
    this.fingerprints = new RequestFingerprints(box.derivedKey("idempotency-fingerprint"));
  }

  /** The fingerprint a request's key is stored with (see {@link RequestFingerprints}). */
  public byte[] fingerprint(String method, String path, JsonNode body) {
    return fingerprints.of(method, path, body);
  }

  /** How the work stores its response: in the same statement as its change. */
  public static final class Storing {
    private final IdempotencyStore store;
    private final UUID merchantId;
    private final String key;
    private final byte[] fingerprint;
    private final OffsetDateTime lease;
    private final UnaryOperator<byte[]> seal;

    private Storing(
        IdempotencyStore store,
        UUID merchantId,
        String key,
        byte[] fingerprint,
        OffsetDateTime lease,
        UnaryOperator<byte[]> seal) {
      this.store = store;
      this.merchantId = merchantId;
      this.key = key;
      this.fingerprint = fingerprint;
      this.lease = lease;
      this.seal = seal;
    }

    /** The response to store with the change, or {@code null} when the request has no key. */
    public StoredResponse response(int status, byte[] body) {
      return key == null
          ? null
          : new StoredResponse(
              store, merchantId, key, status, seal.apply(body), fingerprint, lease);
    }

    /**
     * As {@link #response(int, byte[])}, for a body that is not the one sent (and so is written
     * only when there is a key to store it under).
     */
    public StoredResponse response(int status, Supplier<byte[]> body) {
      return key == null ? null : response(status, body.get());
    }
  }

  public Uni<ApiResponse> run(
      UUID merchantId, String key, byte[] fingerprint, Function<Storing, Uni<ApiResponse>> work) {
    return run(merchantId, key, fingerprint, work, false);
  }

  /**
   * As {@link #run}, for a response that holds a secret: it is stored sealed under the deployment's
   * key, as every secret at rest is, and opened when it is replayed.
   */
  public Uni<ApiResponse> runSealed(
      UUID merchantId, String key, byte[] fingerprint, Function<Storing, Uni<ApiResponse>> work) {
    return run(merchantId, key, fingerprint, work, true);
  }

  private Uni<ApiResponse> run(
      UUID merchantId,
      String key,
      byte[] fingerprint,
      Function<Storing, Uni<ApiResponse>> work,
      boolean sealed) {
    return store
        .claim(merchantId, key, fingerprint)
        .chain(
            claim -> {
              if (!(claim instanceof IdempotencyClaim.Claimed)
                  && !(claim instanceof IdempotencyClaim.None)) {
                return Uni.createFrom().item(() -> answer(sealed ? opened(claim) : claim));
              }
              OffsetDateTime lease = claim instanceof IdempotencyClaim.Claimed c ? c.lease() : null;
              UnaryOperator<byte[]> seal = sealed ? this::seal : UnaryOperator.identity();
              return apply(work, new Storing(store, merchantId, key, null, lease, seal))
                  .onFailure()
                  .recoverWithUni(
                      failure -> {
                        if (IdempotencyStore.isTakenOver(failure)) {
                          // It outlived its lease and another request holds the key now: that
                          // one answers; this one's change was undone.
                          return Uni.createFrom()
                              .failure(IdempotencyStore.refusal(IdempotencyClaim.IN_FLIGHT));
                        }
                        return store
                            .release(merchantId, key, lease)
                            .chain(() -> Uni.createFrom().failure(failure));
                      });
            });
  }

  private byte[] seal(byte[] body) {
    return box.seal(new String(body, UTF_8)).getBytes(UTF_8);
  }

  /** A replay's body opened; one stored before it was sealed is replayed as it is. */
  private IdempotencyClaim opened(IdempotencyClaim claim) {
    if (!(claim instanceof IdempotencyClaim.Replay replay)) {
      return claim;
    }
    String stored = new String(replay.body(), UTF_8);
    return SecretBox.isSealed(stored)
        ? new IdempotencyClaim.Replay(replay.status(), box.open(stored).getBytes(UTF_8))
        : claim;
  }

  /**
   * Runs work whose one statement claims the key, stores the response and makes the change
   * together, or does none of it: the {@link Storing}'s responses carry the request's fingerprint
   * ({@link StoredResponse#claimsKey}). The work emits the response when its statement claimed the
   * key, the {@link #answer} to an earlier request's key its statement found, or {@code null} when
   * it did neither (the key taken while it ran, or the change refused: a stored answer may still
   * take precedence over the refusal); the request then runs as {@link #run} does. Without a key,
   * this is {@link #run}; so it is with a key this instance has lately seen used, most likely a
   * retry, which a claim answers from what the key holds without the work preparing its change.
   */
  public Uni<ApiResponse> runClaiming(
      UUID merchantId, String key, byte[] fingerprint, Function<Storing, Uni<ApiResponse>> work) {
    if (key == null) {
      return run(merchantId, null, fingerprint, work);
    }
    if (recent.contains(merchantId, key)) {
      return run(merchantId, key, fingerprint, work);
    }
    return apply(
            work, new Storing(store, merchantId, key, fingerprint, null, UnaryOperator.identity()))
        .onItem()
        .ifNull()
        .switchTo(() -> run(merchantId, key, fingerprint, work))
        .onTermination()
        .invoke(() -> recent.add(merchantId, key));
  }

  /**
   * The answer to a request whose key an earlier request holds: its stored response, replayed; or
   * the refusal (422 for a different request, 409 while the first runs) thrown.
   */
  public static ApiResponse answer(IdempotencyClaim claim) {
    if (claim instanceof IdempotencyClaim.Replay replay) {
      return new ApiResponse(replay.status(), replay.body(), true);
    }
    var refusal = IdempotencyStore.refusal(claim);
    if (refusal == null) {
      throw new IllegalArgumentException("not an earlier request's key: " + claim);
    }
    throw refusal;
  }

  private static Uni<ApiResponse> apply(Function<Storing, Uni<ApiResponse>> work, Storing storing) {
    try {
      return work.apply(storing);
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(e);
    }
  }
}
