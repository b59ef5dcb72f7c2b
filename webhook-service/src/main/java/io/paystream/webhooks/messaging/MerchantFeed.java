package io.paystream.webhooks.messaging;

import io.paystream.shared.web.CredentialFeed;
import jakarta.enterprise.context.ApplicationScoped;

/** The merchant events stream, whence this service's copy of merchants' credentials comes. */
@ApplicationScoped
public class MerchantFeed implements CredentialFeed {
  private final Consumers consumers;

  public MerchantFeed(Consumers consumers) {
    this.consumers = consumers;
  }

  @Override
  public long millisSinceLastRead() {
    return consumers.merchants().millisSinceLastRead();
  }
}
