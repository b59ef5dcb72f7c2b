package io.paystream.shared.time;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/** Waiting without a thread: a Vert.x timer completes the Uni. */
public final class Delays {
  private Delays() {}

  /** Completes after {@code millis} (at once when it is not positive). */
  public static Uni<Void> after(Vertx vertx, long millis) {
    if (millis <= 0) {
      return Uni.createFrom().voidItem();
    }
    return Uni.createFrom().emitter(e -> vertx.setTimer(millis, id -> e.complete(null)));
  }
}
