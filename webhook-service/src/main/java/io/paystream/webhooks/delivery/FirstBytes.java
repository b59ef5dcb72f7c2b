package io.paystream.webhooks.delivery;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.nio.charset.StandardCharsets;

/**
 * A response body codec that keeps only the first {@code limit} bytes, as text for the delivery
 * log; whatever follows is dropped as it arrives, never buffered.
 */
final class FirstBytes implements BodyCodec<String> {
  private final int limit;

  FirstBytes(int limit) {
    this.limit = limit;
  }

  @Override
  public void create(Handler<AsyncResult<BodyStream<String>>> handler) {
    handler.handle(Future.succeededFuture(new Stream(limit)));
  }

  /** Decodes kept bytes: malformed UTF-8 becomes U+FFFD, and U+0000 (which PostgreSQL refuses). */
  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).replace('\0', '\uFFFD');
  }

  private static final class Stream implements BodyStream<String> {
    private final int limit;
    private final Buffer kept = Buffer.buffer();
    private final Promise<String> result = Promise.promise();

    Stream(int limit) {
      this.limit = limit;
    }

    @Override
    public Future<String> result() {
      return result.future();
    }

    @Override
    public void handle(Throwable failure) {
      result.tryFail(failure);
    }

    @Override
    public Future<Void> write(Buffer data) {
      int room = limit - kept.length();
      if (room > 0) {
        kept.appendBuffer(data, 0, Math.min(room, data.length()));
      }
      return Future.succeededFuture();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
      handler.handle(write(data));
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
      result.tryComplete(text(kept.getBytes()));
      if (handler != null) {
        handler.handle(Future.succeededFuture());
      }
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }
}
