package io.paystream.webhooks.service;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.signing.SigningSecret;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.time.Timestamps;
import io.paystream.shared.web.Caller;
import io.paystream.webhooks.MerchantSecrets;
import io.paystream.webhooks.config.WebhooksConfig;
import io.paystream.webhooks.repository.MerchantRepository;
import io.paystream.webhooks.signing.SigningKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * The merchant's one signing secret, for all its endpoints: shown in full to the merchant, and
 * rotated on request. After a rotation the previous secret keeps signing (a second signature in
 * {@code webhook-signature}) for the overlap, 24 h by default, so receivers can switch over.
 */
@ApplicationScoped
public class SecretService {
  private final DatabaseClock clock;
  private final MerchantRepository merchants;
  private final SigningKeys keys;
  private final IdempotentRun run;
  private final Duration overlap;
  private final Vertx vertx;

  public SecretService(
      MerchantRepository merchants,
      SigningKeys keys,
      IdempotentRun run,
      WebhooksConfig config,
      Vertx vertx,
      DatabaseClock clock) {
    this.clock = clock;
    this.merchants = merchants;
    this.keys = keys;
    this.run = run;
    this.overlap = config.delivery().secretOverlap();
    this.vertx = vertx;
  }

  /** {@code {"secret","rotated_at","previous_secret_valid_until"}}. */
  public Uni<byte[]> get(Caller c) {
    return merchants
        .secrets(c.merchantId())
        .map(
            s -> {
              SigningSecret current = keys.open(s.current());
              if (current == null) {
                throw ApiException.notFound("No webhook secret yet");
              }
              MerchantSecrets.Retired previous = s.previousLive(clock.now());
              return body(
                  current.value(), s.rotatedAt(), previous == null ? null : previous.validUntil());
            });
  }

  /** Replaces the secret with a new one; the old one signs too until the overlap ends. */
  public Uni<ApiResponse> rotate(Caller c, String key, String path) {
    byte[] fingerprint = run.fingerprint("POST", path, null);
    // The response holds the new secret: stored for a replay, it is sealed as the secret is.
    return run.runSealed(
        c.merchantId(),
        key,
        fingerprint,
        storing ->
            merchants
                .secrets(c.merchantId())
                .chain(
                    (MerchantSecrets before) -> {
                      String secret = SigningSecret.generate();
                      Instant now = clock.now();
                      Instant until = now.plus(overlap);
                      byte[] bytes = body(secret, now, before.current() == null ? null : until);
                      String sealed = keys.seal(secret);
                      return merchants
                          .rotate(c.merchantId(), sealed, now, until, storing.response(200, bytes))
                          // A rotation whose answer was lost is looked for: the new secret is
                          // then one only this answer tells in full.
                          .plug(
                              InDoubt.lookedUp(
                                  vertx,
                                  new InDoubt.Subject(
                                      "the webhook secret",
                                      "rotated",
                                      InDoubt.Subject.lookUp(
                                          "/api/v1/webhook-secret", "the secret in force")),
                                  () -> merchants.secretIs(c.merchantId(), sealed),
                                  true))
                          .map(ok -> ApiResponse.ok(bytes));
                    }));
  }

  private static byte[] body(String secret, Instant rotatedAt, Instant previousValidUntil) {
    JsonWriter w = new JsonWriter().beginObject().name("secret").value(secret);
    w.name("rotated_at").value(Timestamps.format(rotatedAt));
    w.name("previous_secret_valid_until").value(Timestamps.format(previousValidUntil));
    return w.endObject().toBytes();
  }
}
