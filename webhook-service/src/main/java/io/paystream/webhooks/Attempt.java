package io.paystream.webhooks;

import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import java.time.Instant;

/**
 * One attempt to deliver, as logged.
 *
 * @param attempt its number since creation or the last manual retry, from 1
 * @param responseCode the HTTP status, or {@code null} when there was no answer
 * @param responseBody the first 1 KB of the answer's body, or {@code null}
 * @param error why it failed without an answer (timeout, network, refused target), or {@code null}
 */
public record Attempt(
    int attempt,
    Instant attemptedAt,
    Integer responseCode,
    int latencyMs,
    String responseBody,
    String error) {

  public JsonWriter write(JsonWriter w) {
    w.beginObject().name("attempt").value(attempt);
    w.name("attempted_at").value(Timestamps.format(attemptedAt));
    w.name("response_code").value(responseCode == null ? null : responseCode.longValue());
    w.name("latency_ms").value(latencyMs);
    w.name("response_body").value(responseBody).name("error").value(error);
    return w.endObject();
  }
}
