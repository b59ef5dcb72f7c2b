package io.paystream.shared.idempotency;

import io.paystream.shared.http.ApiResponse;
import io.smallrye.mutiny.Uni;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a request that creates or changes something under its {@code Idempotency-Key}.
 *
 * <pre>{@code
 * return run.run(merchantId, key, fingerprint, storing ->
 *     repository.create(…, storing.response(201, body)).map(ok -> ApiResponse.created(body)));
 * }</pre>
 *
 * A stored answer is replayed before any business rule is checked; a different request with the key
 * is refused (422), as is one arriving while the first runs (409). When the work fails, for a rule
 * (4xx) or anything else, the key is released and nothing is stored.
 */
public final class IdempotentRun {
  private final IdempotencyStore store;

  public IdempotentRun(IdempotencyStore store) {
    this.store = store;
  }

  /** How the work stores its response: in the same statement as its change. */
  public static final class Storing {
    private final IdempotencyStore store;
    private final UUID merchantId;
    private final String key;

    private Storing(IdempotencyStore store, UUID merchantId, String key) {
      this.store = store;
      this.merchantId = merchantId;
      this.key = key;
    }

    /** The response to store with the change, or {@code null} when the request has no key. */
    public StoredResponse response(int status, byte[] body) {
      return key == null ? null : new StoredResponse(store, merchantId, key, status, body);
    }

    /**
     * As {@link #response(int, byte[])}, for a body that is not the one sent (and so is written
     * only when there is a key to store it under).
     */
    public StoredResponse response(int status, Supplier<byte[]> body) {
      return key == null ? null : new StoredResponse(store, merchantId, key, status, body.get());
    }
  }

  public Uni<ApiResponse> run(
      UUID merchantId, String key, byte[] fingerprint, Function<Storing, Uni<ApiResponse>> work) {
    return store
        .claim(merchantId, key, fingerprint)
        .chain(
            claim -> {
              if (claim instanceof IdempotencyClaim.Replay replay) {
                return Uni.createFrom().item(new ApiResponse(replay.status(), replay.body(), true));
              }
              var refusal = IdempotencyStore.refusal(claim);
              if (refusal != null) {
                return Uni.createFrom().failure(refusal);
              }
              Uni<ApiResponse> result;
              try {
                result = work.apply(new Storing(store, merchantId, key));
              } catch (RuntimeException e) {
                result = Uni.createFrom().failure(e);
              }
              return result.onFailure().call(() -> store.release(merchantId, key));
            });
  }
}
