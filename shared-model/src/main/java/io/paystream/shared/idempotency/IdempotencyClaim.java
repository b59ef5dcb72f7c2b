package io.paystream.shared.idempotency;

import java.time.OffsetDateTime;

/** What claiming an idempotency key found. */
public sealed interface IdempotencyClaim {

  /** No key was sent: nothing to claim. */
  record None() implements IdempotencyClaim {}

  /**
   * This request now holds the key and must complete or release it, before {@code lease} ends (the
   * key's {@code locked_until}, which also tells this claim from a later one that took the key over
   * after it ended).
   */
  record Claimed(OffsetDateTime lease) implements IdempotencyClaim {}

  /** The same request completed before: answer with its stored status and body. */
  record Replay(int status, byte[] body) implements IdempotencyClaim {}

  /** The key was used for a different request. */
  record Mismatch() implements IdempotencyClaim {}

  /** The first request with this key is still running. */
  record InFlight() implements IdempotencyClaim {}

  IdempotencyClaim NONE = new None();
  IdempotencyClaim MISMATCH = new Mismatch();
  IdempotencyClaim IN_FLIGHT = new InFlight();
}
