package io.paystream.payments.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.paystream.payments.Merchant;
import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.repository.MerchantRepository;
import io.paystream.payments.repository.MerchantRepository.LoginAttempt;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.security.SecretBox;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The dashboard's login: email and password in, the merchant with its key and secret out.
 *
 * <p>Failed logins are counted per account in PostgreSQL, so every instance shares the count and a
 * restart does not clear it: once an email has had {@code paystream.passwords.max-failures} within
 * {@code failure-window} (from the first of them), its logins are refused with 429 until the window
 * ends, before any password is checked. Guessing one account's password is thus held to a few tries
 * per window, whoever sends them and whichever instance they reach. Unknown emails are counted
 * alike, so the limit tells nothing about which accounts exist. Each login counts as failed from
 * the moment it is let through, so that guesses sent at once cannot all pass before the first is
 * found wrong; a successful login clears the account's count, and a login whose password check
 * failed (no verdict) is taken back. Logins beyond the password checks' queue are refused before
 * the statement.
 */
@Startup // its meters exist, at zero, before the first login
@ApplicationScoped
public class LoginService {
  private static final Logger LOG = Logger.getLogger(LoginService.class);

  /** Checked against when the email is unknown, so both refusals take as long. */
  private static final String DUMMY_HASH = PasswordChecks.hashNow("not-a-real-password");

  private final MerchantRepository merchants;
  private final SecretBox secretBox;
  private final PasswordChecks passwords;
  private final int maxFailures;
  private final Duration failureWindow;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter locked;
  private final Counter busy;

  public LoginService(
      MerchantRepository merchants,
      SecretBox secretBox,
      PasswordChecks passwords,
      PaymentsConfig config,
      MeterRegistry registry) {
    this.merchants = merchants;
    this.secretBox = secretBox;
    this.passwords = passwords;
    this.maxFailures = config.passwords().maxFailures();
    this.failureWindow = config.passwords().failureWindow();
    this.succeeded = logins(registry, "succeeded");
    this.failed = logins(registry, "failed");
    this.locked = logins(registry, "locked");
    this.busy = logins(registry, "busy");
    if (maxFailures < 1 || failureWindow.toMillis() < 1) {
      throw new IllegalArgumentException(
          "paystream.passwords.max-failures and failure-window must be positive");
    }
  }

  /**
   * {@code paystream_logins_total{outcome}}: {@code succeeded}, {@code failed} (a wrong password or
   * an unknown email), {@code locked} (the account's tries are spent) and {@code busy} (beyond the
   * password checks' queue). A rise of {@code failed} or {@code locked} is someone guessing.
   */
  private static Counter logins(MeterRegistry registry, String outcome) {
    return Counter.builder("paystream.logins")
        .description("Dashboard logins by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  public Uni<ApiResponse> login(ObjectNode body) {
    String email = MerchantFields.text(body, "email", 1, 254);
    String password = MerchantFields.password(body, 1);
    // A flood of logins (which need no credentials) is refused here, beyond the password checks'
    // queue, before it costs a statement.
    PasswordChecks.Place place = passwords.reserve();
    if (place == null) {
      busy.increment();
      return Uni.createFrom().failure(PasswordChecks.tooMany());
    }
    // Failures count under the email as the database folds it, known or not: PostgreSQL's lower()
    // and Java's fold some letters differently ("İ"), so spellings that reach one account must not
    // each get a count of their own, and an unknown email must be counted the same way, or the
    // difference would tell which emails have accounts.
    return Uni.createFrom()
        .deferred(() -> merchants.loginAttempt(email, failureWindow, maxFailures))
        .chain(attempt -> check(attempt, place, password))
        .eventually(place::release); // unless the check took it (refused, or no statement)
  }

  private Uni<ApiResponse> check(
      LoginAttempt attempt, PasswordChecks.Place place, String password) {
    if (attempt.retryAfterSeconds() > 0) {
      locked.increment();
      return Uni.createFrom()
          .failure(
              ApiException.rateLimited(
                  "Too many failed logins for this account; try again later",
                  attempt.retryAfterSeconds()));
    }
    Merchant m = attempt.merchant();
    String account = attempt.account();
    return place
        .matches(password, m == null ? DUMMY_HASH : m.passwordHash())
        .chain(
            ok -> {
              if (m == null || !ok) {
                failed.increment();
                throw new ApiException(ErrorCode.AUTHENTICATION_ERROR, "Invalid email or password");
              }
              succeeded.increment();
              String secret = secretBox.open(m.apiSecretSealed());
              ApiResponse answer = ApiResponse.ok(MerchantFields.withCredentials(m, secret));
              // The login stands even if its count could not be cleared (it then ends with
              // its window).
              return merchants
                  .loginSucceeded(account)
                  .onFailure()
                  .invoke(e -> LOG.warnf("could not clear the failed logins of an account: %s", e))
                  .onFailure()
                  .recoverWithNull()
                  .replaceWith(answer);
            })
        // A check that failed gave no verdict on the password: the attempt is taken back. (The
        // login runs to its verdict even when its client leaves: a guess whose answer nobody
        // waited for still counts.)
        .onFailure(failure -> !ApiException.isUnauthenticated(failure))
        .call(() -> undo(account));
  }

  private Uni<Void> undo(String account) {
    return merchants
        .loginUndone(account)
        .onFailure()
        .invoke(e -> LOG.debugf("could not take back a login attempt: %s", e))
        .onFailure()
        .recoverWithNull();
  }
}
