package io.paystream.refunds.messaging;

import io.vertx.mutiny.redis.client.Response;

/** Reading Redis replies that are maps in RESP3 and flat lists of pairs in RESP2. */
public final class RedisReplies {
  private RedisReplies() {}

  /** The value of {@code name} as text, or {@code null} when absent or nil. */
  public static String field(Response reply, String name) {
    try {
      Response v = reply.get(name);
      return v == null ? null : v.toString();
    } catch (RuntimeException notAMap) {
      // RESP2: read the pairs below
    }
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      if (name.equals(reply.get(i).toString())) {
        Response v = reply.get(i + 1);
        return v == null ? null : v.toString();
      }
    }
    return null;
  }
}
