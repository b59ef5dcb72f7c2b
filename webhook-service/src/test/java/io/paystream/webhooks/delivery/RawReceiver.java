package io.paystream.webhooks.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A receiver on a raw socket, for what an HTTP library would hide: it answers one request with
 * fixed bytes and keeps the request's head as it came (one char per byte).
 */
final class RawReceiver implements AutoCloseable {
  private final ServerSocket server;
  private final CompletableFuture<String> head = new CompletableFuture<>();

  RawReceiver(byte[] answer) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              try (Socket s = server.accept()) {
                head.complete(readRequest(s.getInputStream()));
                OutputStream out = s.getOutputStream();
                out.write(answer);
                out.flush();
              } catch (IOException e) {
                head.completeExceptionally(e);
              }
            },
            "raw-receiver");
    t.setDaemon(true);
    t.start();
  }

  /** {@code http://127.0.0.1:<port>} followed by {@code rest}. */
  String url(String rest) {
    return "http://127.0.0.1:" + server.getLocalPort() + rest;
  }

  /** The head of the request received. */
  String head() throws Exception {
    return head.get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  /** Reads a request's head and its body (Content-Length), as a receiver does before answering. */
  static String readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      head.append((char) b);
    }
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring(15).trim()));
      }
    }
    return head.toString();
  }

  /** An HTTP/1.1 answer with these extra header lines and this body. */
  static byte[] answer(String status, String headers, byte[] body) {
    byte[] head =
        ("HTTP/1.1 "
                + status
                + "\r\n"
                + headers
                + "Content-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }
}
