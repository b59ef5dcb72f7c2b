package io.paystream.webhooks.delivery;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keeps only the first {@code limit} bytes of a response body, as text for the delivery log;
 * whatever follows is dropped as it arrives, never buffered. A character the limit cuts in two is
 * dropped whole, and the text is never more than {@code limit} bytes of UTF-8 either (a malformed
 * byte, shown as U+FFFD, takes three).
 */
final class FirstBytes implements Handler<Buffer> {
  private final int limit;
  private final Buffer kept = Buffer.buffer();
  private boolean cut;

  FirstBytes(int limit) {
    this.limit = limit;
  }

  @Override
  public synchronized void handle(Buffer data) {
    int room = limit - kept.length();
    if (room < data.length()) {
      cut = true;
    }
    if (room > 0) {
      kept.appendBuffer(data, 0, Math.min(room, data.length()));
    }
  }

  /** The bytes kept of a body that ended, as {@link #text(byte[])}, within {@code limit} bytes. */
  synchronized String text() {
    byte[] bytes = kept.getBytes();
    return within(limit, text(cut ? Arrays.copyOf(bytes, wholeCharacters(bytes)) : bytes));
  }

  /**
   * The bytes kept of a body still coming (read on another thread than the one it arrives on): a
   * character not yet whole is left out, as one the limit cuts.
   */
  synchronized String textSoFar() {
    byte[] bytes = kept.getBytes();
    return within(limit, text(Arrays.copyOf(bytes, wholeCharacters(bytes))));
  }

  /** {@code text} cut, before a character, to at most {@code limit} bytes of UTF-8. */
  static String within(int limit, String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (bytes > limit) {
        return text.substring(0, i);
      }
      i += Character.charCount(c);
    }
    return text;
  }

  /**
   * The length of {@code bytes} without a UTF-8 sequence begun in its last three bytes and not
   * finished in them; what is not UTF-8 is left as it is.
   */
  static int wholeCharacters(byte[] bytes) {
    for (int back = 1; back <= Math.min(3, bytes.length); back++) {
      int b = bytes[bytes.length - back] & 0xFF;
      if (b < 0x80) {
        return bytes.length; // ASCII: nothing begun
      }
      if (b >= 0xC0) { // a lead byte: how many bytes its sequence needs
        int needs = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        return needs > back ? bytes.length - back : bytes.length;
      }
    }
    return bytes.length;
  }

  /** Decodes kept bytes: malformed UTF-8 becomes U+FFFD, and U+0000 (which PostgreSQL refuses). */
  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).replace('\0', '\uFFFD');
  }
}
