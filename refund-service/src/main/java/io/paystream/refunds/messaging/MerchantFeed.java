package io.paystream.refunds.messaging;

import io.paystream.shared.web.CredentialFeed;
import jakarta.enterprise.context.ApplicationScoped;

/** The merchant events stream, whence this service's copy of merchants' credentials comes. */
@ApplicationScoped
public class MerchantFeed implements CredentialFeed {
  private final MerchantEventsConsumer merchants;

  public MerchantFeed(MerchantEventsConsumer merchants) {
    this.merchants = merchants;
  }

  @Override
  public long millisSinceLastRead() {
    return merchants.consumer().millisSinceLastRead();
  }
}
