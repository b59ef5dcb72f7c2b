package io.paystream.shared.signing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signature headers of one delivery attempt.
 *
 * <pre>{@code
 * WebhookSignature sig = WebhookSignature.sign(body, eventId, Instant.now().getEpochSecond(), live);
 * sig.headers().forEach(request::putHeader);
 * }</pre>
 *
 * @param hex {@code X-Webhook-Signature}: the newest secret's hex HMAC of the body
 * @param id {@code webhook-id}: the event id, the same on every attempt
 * @param timestamp {@code webhook-timestamp}: Unix seconds of this attempt
 * @param standard {@code webhook-signature}: one {@code v1,…} per live secret, space-separated
 */
public record WebhookSignature(String hex, String id, long timestamp, String standard) {
  public static final String HEX_HEADER = "X-Webhook-Signature";
  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";

  /**
   * Signs a body for one attempt.
   *
   * @param live the secrets that sign, newest first: the current one, and during a rotation's
   *     overlap the previous one
   * @throws IllegalArgumentException when there is no secret
   */
  public static WebhookSignature sign(
      byte[] body, String eventId, long timestamp, List<SigningSecret> live) {
    if (live.isEmpty()) {
      throw new IllegalArgumentException("at least one secret must sign");
    }
    StringBuilder standard = new StringBuilder(64 * live.size());
    for (SigningSecret secret : live) {
      if (standard.length() > 0) {
        standard.append(' ');
      }
      standard.append(secret.standardSignature(eventId, timestamp, body));
    }
    return new WebhookSignature(
        live.get(0).hexSignature(body), eventId, timestamp, standard.toString());
  }

  /** The four headers by name, in a stable order. */
  public Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put(HEX_HEADER, hex);
    h.put(ID_HEADER, id);
    h.put(TIMESTAMP_HEADER, Long.toString(timestamp));
    h.put(SIGNATURE_HEADER, standard);
    return h;
  }
}
