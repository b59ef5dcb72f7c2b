package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FirstBytesTest {
  @Test
  void aCharacterCutByTheLimitIsDroppedWhole() {
    assertEquals("ab", kept(4, "ab\u20ac")); // 2 of the euro sign's 3 bytes fit
    assertEquals("ab", kept(3, "ab\u20ac"));
    assertEquals("ab\u20ac", kept(5, "ab\u20acc"));
    assertEquals("a", kept(4, "a\uD83D\uDE00")); // 3 of the emoji's 4 bytes fit
    assertEquals("\u00e9", kept(3, "\u00e9\u00e9")); // 1 of the second's 2 bytes fits
  }

  @Test
  void aBodyWithinTheLimitIsKeptAsItCameMalformedBytesIncluded() {
    FirstBytes f = new FirstBytes(10);
    f.handle(Buffer.buffer(new byte[] {'a', (byte) 0xE2, (byte) 0x82}));
    assertEquals("a\uFFFD", f.text()); // the receiver's own broken ending, not ours
  }

  @Test
  void malformedBytesShownAsReplacementCharactersStayWithinTheLimitToo() {
    byte[] junk = new byte[1024];
    java.util.Arrays.fill(junk, (byte) 0xFF);
    FirstBytes f = new FirstBytes(1024);
    f.handle(Buffer.buffer(junk));
    f.handle(Buffer.buffer("more")); // cut: beyond the limit
    String text = f.text();
    // Each 0xFF is a U+FFFD, three bytes: 341 of them fit in 1024 bytes, the 342nd would not.
    assertEquals("\uFFFD".repeat(341), text);
    assertEquals(1023, text.getBytes(StandardCharsets.UTF_8).length);
    // NUL, which PostgreSQL refuses, becomes U+FFFD as well, and counts as such.
    FirstBytes nuls = new FirstBytes(10);
    nuls.handle(Buffer.buffer(new byte[10]));
    assertEquals("\uFFFD".repeat(3), nuls.text());
  }

  private static String kept(int limit, String body) {
    FirstBytes f = new FirstBytes(limit);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    // In two pieces, as a body arrives.
    f.handle(Buffer.buffer().appendBytes(bytes, 0, 1));
    f.handle(Buffer.buffer().appendBytes(bytes, 1, bytes.length - 1));
    return f.text();
  }
}
