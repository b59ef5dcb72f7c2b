package io.paystream.shared.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Requests no HTTP client library would send, written to the socket as they are. */
public final class RawHttp {
  private RawHttp() {}

  /**
   * Sends {@code head} (request line and headers, each ending in CRLF) with {@code Connection:
   * close} to 127.0.0.1:{@code port}; returns the whole answer, head and body.
   */
  public static String exchange(int port, String head) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
