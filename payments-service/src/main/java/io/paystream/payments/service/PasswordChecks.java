package io.paystream.payments.service;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.shared.error.ApiException;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Password hashes and checks (bcrypt: slow on purpose, tens of milliseconds of CPU each), off the
 * event loop and at most {@code parallel} at once with {@code maxWaiting} more queued. Logins need
 * no credentials, so a flood of them would otherwise take every core from payments; beyond the
 * queue they are refused (429, {@code Retry-After: 1}) instead.
 */
@ApplicationScoped
public class PasswordChecks {
  private static final String PREHASHED = "bcrypt-sha256$";
  private static final int BCRYPT_READS = 72;
  private final int parallel;
  private final int maxWaiting;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int running;
  private int reserved;

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

  /** A hash of {@code password} to store, in the form {@link #hashNow} gives. */
  public Uni<String> hash(String password) {
    return gated(() -> hashNow(password), false);
  }

  /** Whether {@code password} matches a stored {@code hash} (either form, see {@link #hashNow}). */
  public Uni<Boolean> matches(String password, String hash) {
    return gated(() -> matchesNow(password, hash), false);
  }

  /**
   * A place for one check, taken now, before the caller does the work that leads to it (a login's
   * statement), so that what arrives beyond the queue is refused before costing anything; {@code
   * null} when every place is taken. The place is given back by {@link Place#matches} or {@link
   * Place#release}, whichever comes first.
   */
  public Place reserve() {
    synchronized (this) {
      if (full()) {
        return null;
      }
      reserved++;
    }
    return new Place();
  }

  /** A reserved place; used once, by a check or given back. */
  public final class Place {
    private final AtomicBoolean used = new AtomicBoolean();

    private Place() {}

    /**
     * {@link PasswordChecks#matches} in this place, never refused; the place is taken when the
     * check is subscribed to (until then, {@link #release} still gives it back).
     */
    public Uni<Boolean> matches(String password, String hash) {
      return Uni.createFrom()
          .deferred(
              () ->
                  used.getAndSet(true)
                      ? Uni.createFrom()
                          .<Boolean>failure(new IllegalStateException("a place is used once"))
                      : gated(() -> matchesNow(password, hash), true));
    }

    /** Gives the place back unless a check took it. */
    public void release() {
      if (!used.getAndSet(true)) {
        synchronized (PasswordChecks.this) {
          reserved--;
        }
      }
    }
  }

  /**
   * bcrypt reads only the first 72 bytes of what it is given: on a longer password itself, two
   * passwords sharing their first 72 bytes (a passphrase, or 18 characters of four-byte UTF-8)
   * would both match. Such a password is stored as {@code bcrypt-sha256$} and the bcrypt hash of
   * its SHA-256 in hex (64 bytes whatever the length), so every byte of it counts. A password of at
   * most 72 bytes, which bcrypt reads whole, is stored as plain bcrypt, as before this form: a
   * release that does not know the form (during a rolling update, or after a rollback) still checks
   * it.
   */
  static String hashNow(String password) {
    return password.getBytes(StandardCharsets.UTF_8).length <= BCRYPT_READS
        ? BcryptUtil.bcryptHash(password)
        : PREHASHED + BcryptUtil.bcryptHash(digest(password));
  }

  static boolean matchesNow(String password, String hash) {
    return hash.startsWith(PREHASHED)
        ? BcryptUtil.matches(digest(password), hash.substring(PREHASHED.length()))
        : BcryptUtil.matches(password, hash);
  }

  private static String digest(String password) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private <T> Uni<T> gated(Supplier<T> work, boolean placeReserved) {
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
              Admission admission = admit(run, placeReserved);
              if (admission == Admission.REFUSED) {
                done.fail(tooMany());
              } else if (admission == Admission.NOW) {
                run.run();
              }
            });
  }

  /** The refusal of a check beyond the queue: 429 with {@code Retry-After: 1}. */
  static ApiException tooMany() {
    return ApiException.rateLimited("Too many password checks at once; try again shortly", 1);
  }

  private enum Admission {
    NOW,
    QUEUED,
    REFUSED
  }

  /** Whether every place is taken: running, waiting or reserved. Called holding the lock. */
  private boolean full() {
    return running + waiting.size() + reserved >= parallel + maxWaiting;
  }

  /** A check with a reserved place takes it; others take a free one, or are refused. */
  private synchronized Admission admit(Runnable run, boolean placeReserved) {
    if (placeReserved) {
      reserved--;
    } else if (full()) {
      return Admission.REFUSED;
    }
    if (running < parallel) {
      running++;
      return Admission.NOW;
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
