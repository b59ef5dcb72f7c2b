package io.paystream.payments.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.paystream.payments.StreamReader;
import io.paystream.shared.event.EventType;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Redis losing everything (a flush, a restart without persistence) loses no event. */
@QuarkusTest
class OutboxRedriveTest {
  @Inject Redis redis;
  @Inject RedisStreams streams;

  @Test
  void eventsPublishedBeforeAFlushArePublishedAgainAndGroupsComeBack() {
    String before = Api.payment("success@bank");
    Api.awaitStatus(before, "success");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> StreamReader.aboutPayment(streams, Streams.PAYMENT_EVENTS, before).size() == 3);

    redis.send(Request.cmd(Command.FLUSHDB)).await().indefinitely();

    // The outbox re-drives what Redis lost...
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> StreamReader.aboutPayment(streams, Streams.PAYMENT_EVENTS, before).size() >= 3);
    assertTrue(
        StreamReader.events(streams, Streams.MERCHANT_EVENTS).stream()
            .anyMatch(
                e ->
                    e.type() == EventType.MERCHANT_CREATED
                        && "550e8400-e29b-41d4-a716-446655440000".equals(e.merchantId())),
        "the test merchant is announced again");
    // ...and the worker, whose group vanished, processes new payments.
    String after = Api.payment("success@bank");
    Api.awaitStatus(after, "success");
  }
}
