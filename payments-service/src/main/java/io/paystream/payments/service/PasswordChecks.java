package io.paystream.payments.service;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.shared.error.ApiException;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * Password hashes and checks (bcrypt: slow on purpose, tens of milliseconds of CPU each), off the
 * event loop and at most {@code parallel} at once with {@code maxWaiting} more queued. Logins need
 * no credentials, so a flood of them would otherwise take every core from payments; beyond the
 * queue they are refused (429, {@code Retry-After: 1}) instead.
 */
@ApplicationScoped
public class PasswordChecks {
  private final int parallel;
  private final int maxWaiting;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int running;

  @Inject
  public PasswordChecks(PaymentsConfig config) {
    this(config.passwords().parallel(), config.passwords().maxWaiting());
  }

  public PasswordChecks(int parallel, int maxWaiting) {
    if (parallel < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException("parallel must be at least 1, maxWaiting at least 0");
    }
    this.parallel = parallel;
    this.maxWaiting = maxWaiting;
  }

  /** A bcrypt hash of {@code password}. */
  public Uni<String> hash(String password) {
    return gated(() -> BcryptUtil.bcryptHash(password));
  }

  /** Whether {@code password} matches the bcrypt {@code hash}. */
  public Uni<Boolean> matches(String password, String hash) {
    return gated(() -> BcryptUtil.matches(password, hash));
  }

  private <T> Uni<T> gated(Supplier<T> work) {
    return Uni.createFrom()
        .emitter(
            done -> {
              Runnable run =
                  () ->
                      Uni.createFrom()
                          .item(work)
                          .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                          .subscribe()
                          .with(
                              value -> {
                                release();
                                done.complete(value);
                              },
                              err -> {
                                release();
                                done.fail(err);
                              });
              Admission admission = admit(run);
              if (admission == Admission.REFUSED) {
                done.fail(
                    ApiException.rateLimited(
                        "Too many password checks at once; try again shortly", 1));
              } else if (admission == Admission.NOW) {
                run.run();
              }
            });
  }

  private enum Admission {
    NOW,
    QUEUED,
    REFUSED
  }

  private synchronized Admission admit(Runnable run) {
    if (running < parallel) {
      running++;
      return Admission.NOW;
    }
    if (waiting.size() >= maxWaiting) {
      return Admission.REFUSED;
    }
    waiting.add(run);
    return Admission.QUEUED;
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
