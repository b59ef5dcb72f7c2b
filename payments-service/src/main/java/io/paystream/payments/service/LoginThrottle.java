package io.paystream.payments.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.paystream.payments.config.PaymentsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Failed dashboard logins per account, on this instance: once an email has had {@code maxFailures}
 * within {@code window} (counted from the first of them), its logins are refused until the window
 * ends, before any password is checked. Guessing one account's password is thus held to a few tries
 * per window, whoever sends them; unknown emails are counted alike, so the limit tells nothing
 * about which accounts exist. Each login counts as failed from the moment it is let through, so
 * that guesses sent at once cannot all pass before the first is found wrong; a successful login
 * clears the account's count.
 */
@ApplicationScoped
public class LoginThrottle {
  private final int maxFailures;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final Cache<String, Failures> failures;

  @Inject
  public LoginThrottle(PaymentsConfig config) {
    this(config.passwords().maxFailures(), config.passwords().failureWindow(), System::nanoTime);
  }

  LoginThrottle(int maxFailures, Duration window, LongSupplier nanoClock) {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("maxFailures must be at least 1");
    }
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.nanoClock = nanoClock;
    this.failures = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(100_000).build();
  }

  /**
   * Lets a login of {@code email} through, counting it as failed until it {@link #succeeded}, and
   * returns 0; or, when the account has no tries left, returns the whole seconds until it has (at
   * least 1).
   */
  public int attempt(String email) {
    long now = nanoClock.getAsLong();
    Failures f = failures.get(key(email), k -> new Failures(now));
    synchronized (f) {
      if (now - f.firstAt >= windowNanos) {
        f.firstAt = now;
        f.count = 0;
      }
      if (f.count >= maxFailures) {
        long left = f.firstAt + windowNanos - now;
        return (int) Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
      }
      f.count++;
      return 0;
    }
  }

  /** Takes back the count of a login of {@code email} that got no verdict on its password. */
  public void undo(String email) {
    Failures f = failures.getIfPresent(key(email));
    if (f != null) {
      synchronized (f) {
        if (f.count > 0) {
          f.count--;
        }
      }
    }
  }

  /** Clears the count of {@code email}: its login succeeded. */
  public void succeeded(String email) {
    failures.invalidate(key(email));
  }

  private static String key(String email) {
    return email.toLowerCase(Locale.ROOT);
  }

  private static final class Failures {
    private long firstAt;
    private int count;

    private Failures(long firstAt) {
      this.firstAt = firstAt;
    }
  }
}
