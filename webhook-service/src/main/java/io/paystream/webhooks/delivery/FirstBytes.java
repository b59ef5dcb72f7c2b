package io.paystream.webhooks.delivery;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Keeps only the first {@code limit} bytes of a response body, as text for the delivery log;
 * whatever follows is dropped as it arrives, never buffered.
 */
final class FirstBytes implements Handler<Buffer> {
  private final int limit;
  private final Buffer kept = Buffer.buffer();

  FirstBytes(int limit) {
    this.limit = limit;
  }

  @Override
  public void handle(Buffer data) {
    int room = limit - kept.length();
    if (room > 0) {
      kept.appendBuffer(data, 0, Math.min(room, data.length()));
    }
  }

  /** The bytes kept so far, as {@link #text(byte[])}. */
  String text() {
    return text(kept.getBytes());
  }

  /** Decodes kept bytes: malformed UTF-8 becomes U+FFFD, and U+0000 (which PostgreSQL refuses). */
  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).replace('\0', '\uFFFD');
  }
}
