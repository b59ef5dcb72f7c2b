package io.paystream.payments.service;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.shared.stream.EventReach;
import io.paystream.shared.stream.Streams;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Holds the answer to onboarding or an API secret rotation until every service that reads merchant
 * events (refund-service, webhook-service) has applied the new credentials, at most {@code
 * paystream.credentials-reach-wait}: a merchant may use them on any path as soon as it has them. A
 * reader that is down does not hold the answer longer; it learns them when it returns.
 */
@ApplicationScoped
public class CredentialsReach {
  private final EventReach reach;
  private final PaymentsConfig config;

  public CredentialsReach(EventReach reach, PaymentsConfig config) {
    this.reach = reach;
    this.config = config;
  }

  /**
   * Completes once the merchant event {@code eventId} is applied everywhere, or the wait is over.
   */
  public Uni<Void> await(String eventId) {
    return reach
        .await(Streams.MERCHANT_EVENTS, eventId, config.credentialsReachWait())
        .replaceWithVoid();
  }
}
