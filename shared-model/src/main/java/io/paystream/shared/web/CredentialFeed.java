package io.paystream.shared.web;

/**
 * Where a service that keeps a copy of merchants' credentials (a projection of payments-service's
 * merchant events) learns of new and rotated ones. While the feed has not been read for longer than
 * a credential may be cached, the copy cannot be vouched for: a secret rotated meanwhile would
 * still be taken, so {@link MerchantAuth} answers 503 instead. The owner of the credentials has no
 * feed.
 */
public interface CredentialFeed {
  /** How long ago the feed was last read (a read that returned, with news or none). */
  long millisSinceLastRead();
}
