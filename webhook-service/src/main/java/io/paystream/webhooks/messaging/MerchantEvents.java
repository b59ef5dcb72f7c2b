package io.paystream.webhooks.messaging;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.webhooks.repository.MerchantRepository;
import io.paystream.webhooks.signing.SigningKeys;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Keeps this service's copy of merchants' API credentials in step with payments-service, and takes
 * each merchant's first webhook signing secret from {@code merchant.created}. Idempotent: replays
 * and late, older events change nothing.
 */
@ApplicationScoped
public class MerchantEvents {
  private static final Logger LOG = Logger.getLogger(MerchantEvents.class);

  private final MerchantRepository merchants;
  private final ApiKeyAuthenticator authenticator;
  private final SigningKeys keys;

  public MerchantEvents(
      MerchantRepository merchants, ApiKeyAuthenticator authenticator, SigningKeys keys) {
    this.merchants = merchants;
    this.authenticator = authenticator;
    this.keys = keys;
  }

  public Uni<Void> apply(EventEnvelope event) {
    if (event.type() != EventType.MERCHANT_CREATED
        && event.type() != EventType.MERCHANT_CREDENTIALS_ROTATED) {
      return Uni.createFrom().voidItem();
    }
    MerchantCredentials m = MerchantCredentials.fromEventData(event.data());
    if (m.id() == null || m.apiKey() == null || m.apiSecretHash() == null) {
      LOG.warnf("%s %s lacks the merchant's id or credentials; skipped", event.type(), event.id());
      return Uni.createFrom().voidItem();
    }
    if (m.webhookSecretSealed() != null && keys.open(m.webhookSecretSealed()) == null) {
      LOG.errorf(
          "merchant %s: its webhook secret cannot be opened with this service's ENCRYPTION_KEY;"
              + " its webhooks cannot be signed until the keys match",
          m.id());
    }
    Instant at = event.createdAt() == null ? Instant.now() : event.createdAt();
    return merchants
        .apply(m, at)
        .invoke(
            () -> {
              authenticator.invalidate(m.apiKey());
              LOG.debugf("merchant %s: %s applied", m.id(), event.type());
            });
  }
}
