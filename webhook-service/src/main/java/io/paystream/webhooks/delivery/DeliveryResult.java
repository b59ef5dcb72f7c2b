package io.paystream.webhooks.delivery;

/** What one attempt came to. */
public sealed interface DeliveryResult {
  /** How long the attempt took, in milliseconds. */
  int latencyMs();

  /** A 2xx answer within the timeout. */
  record Delivered(int status, String body, int latencyMs) implements DeliveryResult {}

  /**
   * A failed attempt: an answer that was not 2xx ({@code status} set), or none in time, no
   * connection, or a target refused by the guard ({@code error} set). The schedule goes on.
   */
  record Failed(Integer status, String body, String error, int latencyMs)
      implements DeliveryResult {}

  /**
   * Nothing was sent and nothing will be: the endpoint was deleted or disabled, or no longer takes
   * the event.
   */
  record Rejected(String reason) implements DeliveryResult {
    @Override
    public int latencyMs() {
      return 0;
    }
  }
}
