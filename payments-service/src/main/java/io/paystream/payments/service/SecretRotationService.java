package io.paystream.payments.service;

import io.paystream.payments.repository.MerchantRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.event.EventType;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.web.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/** Replacing a merchant's API secret, and announcing it to the other services. */
@ApplicationScoped
public class SecretRotationService {
  private final DatabaseClock clock;
  private final MerchantRepository merchants;
  private final SecretBox secretBox;
  private final OutboxRelay relay;
  private final ApiKeyAuthenticator authenticator;
  private final IdempotentRun idempotent;
  private final CredentialsReach reach;
  private final Vertx vertx;

  public SecretRotationService(
      MerchantRepository merchants,
      SecretBox secretBox,
      OutboxRelay relay,
      ApiKeyAuthenticator authenticator,
      IdempotentRun idempotent,
      CredentialsReach reach,
      Vertx vertx,
      DatabaseClock clock) {
    this.clock = clock;
    this.merchants = merchants;
    this.secretBox = secretBox;
    this.relay = relay;
    this.authenticator = authenticator;
    this.idempotent = idempotent;
    this.reach = reach;
    this.vertx = vertx;
  }

  /**
   * Replaces the caller's API secret; the old one stops working. Under an {@code Idempotency-Key}
   * the response, which holds the new secret, is stored sealed; a replay authenticates with the
   * secret then in force, as every request does. Of two rotations at once, authenticated with the
   * same secret, one replaces it and the other changes nothing and gets 409: had it come after, the
   * secret it presented would no longer have been valid, and had both succeeded, the merchant could
   * not tell which secret was in force. It answers once the other services hold the new secret
   * ({@link CredentialsReach}).
   */
  public Uni<ApiResponse> rotate(
      Caller caller, String apiKey, String apiSecret, String idempotencyKey, String path) {
    String key = IdempotencyKeys.validate(idempotencyKey);
    byte[] fingerprint = idempotent.fingerprint("POST", path, null);
    return idempotent.runSealed(
        caller.merchantId(),
        key,
        fingerprint,
        storing ->
            merchants
                .byId(caller.merchantId())
                .chain(
                    m -> {
                      String secret = ApiSecrets.newApiSecret();
                      OutboxSql events =
                          new OutboxSql(m.id().toString(), caller.requestId(), clock.now())
                              .add(
                                  Streams.MERCHANT_EVENTS,
                                  EventType.MERCHANT_CREDENTIALS_ROTATED,
                                  MerchantFields.credentials(
                                          m, secret, null, m.credentialsVersion() + 1)
                                      ::writeEventData);
                      byte[] hash = ApiSecrets.parseHash(ApiSecrets.hash(secret));
                      byte[] response = MerchantFields.withCredentials(m, secret);
                      return merchants
                          .replaceSecret(
                              m.id(),
                              m.credentialsVersion(),
                              ApiSecrets.parseHash(ApiSecrets.hash(apiSecret)),
                              hash,
                              secretBox.seal(secret),
                              events,
                              storing.response(200, response))
                          // A rotation whose answer was lost is looked for: the secret in force
                          // is then one only this answer tells.
                          .plug(
                              InDoubt.lookedUp(
                                  vertx,
                                  new InDoubt.Subject(
                                      "the API secret",
                                      "rotated",
                                      "Log in to the dashboard (POST /api/v1/auth/login) to see"
                                          + " the secret in force"),
                                  () -> merchants.secretIs(m.id(), hash),
                                  true))
                          .chain(
                              replaced -> {
                                if (!replaced) {
                                  throw new ApiException(
                                      ErrorCode.CONFLICT_ERROR,
                                      "The API secret was rotated by another request at the same"
                                          + " time; this request changed nothing");
                                }
                                authenticator.invalidate(apiKey);
                                relay.kick();
                                return reach
                                    .await(events.eventIds().get(0))
                                    .replaceWith(ApiResponse.ok(response));
                              });
                    }));
  }
}
