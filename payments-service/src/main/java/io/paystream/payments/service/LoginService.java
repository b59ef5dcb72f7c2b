package io.paystream.payments.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.Merchant;
import io.paystream.payments.repository.MerchantRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.security.SecretBox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The dashboard's login: email and password in, the merchant with its key and secret out. An
 * account with too many failed logins lately is refused first ({@link LoginThrottle}).
 */
@ApplicationScoped
public class LoginService {
  /** Checked against when the email is unknown, so both refusals take as long. */
  private static final String DUMMY_HASH = PasswordChecks.hashNow("not-a-real-password");

  private final MerchantRepository merchants;
  private final SecretBox secretBox;
  private final PasswordChecks passwords;
  private final LoginThrottle throttle;

  public LoginService(
      MerchantRepository merchants,
      SecretBox secretBox,
      PasswordChecks passwords,
      LoginThrottle throttle) {
    this.merchants = merchants;
    this.secretBox = secretBox;
    this.passwords = passwords;
    this.throttle = throttle;
  }

  public Uni<ApiResponse> login(ObjectNode body) {
    String email = MerchantFields.text(body, "email", 1, 254);
    String password = MerchantFields.password(body, 1);
    // Failures count under the email as the database folds it, known or not: PostgreSQL's lower()
    // and Java's fold some letters differently ("İ"), so spellings that reach one account must not
    // each get a count of their own, and an unknown email must be counted the same way, or the
    // difference would tell which emails have accounts.
    return merchants
        .byEmail(email)
        .chain(found -> check(found.merchant(), found.folded(), password));
  }

  private Uni<ApiResponse> check(Merchant m, String account, String password) {
    int wait = throttle.attempt(account);
    if (wait > 0) {
      return Uni.createFrom()
          .failure(
              ApiException.rateLimited(
                  "Too many failed logins for this account; try again later", wait));
    }
    return passwords
        .matches(password, m == null ? DUMMY_HASH : m.passwordHash())
        .map(
            ok -> {
              if (m == null || !ok) {
                throw new ApiException(ErrorCode.AUTHENTICATION_ERROR, "Invalid email or password");
              }
              throttle.succeeded(account);
              String secret = secretBox.open(m.apiSecretSealed());
              return ApiResponse.ok(MerchantFields.withCredentials(m, secret));
            })
        // A login that got no verdict on its password (the checks' queue was full, the
        // client left) is not a failed one.
        .onFailure(failure -> !ApiException.isUnauthenticated(failure))
        .invoke(() -> throttle.undo(account))
        .onCancellation()
        .invoke(() -> throttle.undo(account));
  }
}
