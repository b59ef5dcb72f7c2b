package io.paystream.shared.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paystream.shared.testing.TestRedis;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An entry leaves its group for the dead-letter stream only once its copy is there (real Redis).
 */
class DeadLetterTest {
  private static final int REDIS_DB = 13;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String STREAM = "test:poison";
  private static final String GROUP = "test-group";

  private TestRedis redis;

  @BeforeEach
  void setUp() throws Exception {
    redis = TestRedis.flushed(REDIS_DB);
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  @Test
  void anEntryWhoseCopyIsRefusedStaysPendingInItsGroup() {
    RedisStreams streams = redis.streams;
    streams.ensureGroup(STREAM, GROUP).await().atMost(WAIT);
    streams.add(STREAM, 1_000, "poison").await().atMost(WAIT);
    StreamEntry entry =
        streams.readGroup(STREAM, GROUP, "c1", 10, 0, ">").await().atMost(WAIT).get(0);
    // Redis refuses the copy (here: its key holds a string; out of memory, it would be that).
    String deadLetters = Streams.deadLetters(STREAM);
    send(Request.cmd(Command.SET).arg(deadLetters).arg("not a stream"));

    assertThrows(
        RuntimeException.class,
        () -> streams.deadLetter(STREAM, GROUP, entry, "test", 1_000).await().atMost(WAIT));
    assertEquals(1, pending(), "the entry was acknowledged without its copy");

    send(Request.cmd(Command.DEL).arg(deadLetters));
    streams.deadLetter(STREAM, GROUP, entry, "test", 1_000).await().atMost(WAIT);
    assertEquals(0, pending());
    List<StreamEntry> copies = streams.latest(deadLetters, 10).await().atMost(WAIT);
    assertEquals(1, copies.size());
    assertEquals("poison", copies.get(0).payload());
  }

  private long pending() {
    return redis.streams.group(STREAM, GROUP).await().atMost(WAIT).pending();
  }

  private void send(Request request) {
    redis.redis.send(request).await().atMost(WAIT);
  }
}
