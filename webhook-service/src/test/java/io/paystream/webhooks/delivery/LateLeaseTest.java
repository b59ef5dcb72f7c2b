package io.paystream.webhooks.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.stream.RedisStreams;
import io.paystream.webhooks.Publisher;
import io.paystream.webhooks.Publisher.Merchant;
import io.paystream.webhooks.Receiver;
import io.paystream.webhooks.Receiver.Hit;
import io.paystream.webhooks.repository.DeliveryRepository;
import io.paystream.webhooks.repository.DeliveryRepository.Created;
import io.paystream.webhooks.repository.DeliveryRepository.Lease;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An attempt starts only while its lease has half its time left, for the attempt and the writing of
 * its outcome. A statement that took longer to lease a delivery (the database stalled under it)
 * leaves the delivery to a claim once that lease is over: sent at once, it would be claimed and
 * sent again, by another instance, should its outcome not be written before the lease ran out.
 */
@QuarkusTest
class LateLeaseTest {
  @Inject RedisStreams streams;
  @Inject DeliveryRepository deliveries;
  @Inject Dispatcher dispatcher;
  @Inject InFlight inFlight;

  @Test
  void aDeliveryLeasedTooLateIsLeftToAClaimAndSentOnce() throws Exception {
    try (Receiver receiver = Receiver.start()) {
      Merchant merchant = new Publisher(streams).merchant("whsec_test_abc123");
      Publisher.endpoint(merchant, receiver.url("/late"));
      // The creating statement began 20 s ago, with a 22 s lease: 2 s of it are left.
      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      NewEvent event = Publisher.newEvent(merchant.id(), now);
      Instant leaseEnd = now.plusSeconds(2);
      Lease late = new Lease(UUID.randomUUID(), now.minusSeconds(20), leaseEnd);
      Created created =
          deliveries
              .create(List.of(event), late, inFlight.free(), inFlight.room())
              .await()
              .atMost(Duration.ofSeconds(10));
      assertEquals(1, created.leased().size(), "leased to this instance as it was made");

      dispatcher.dispatch(created.leased());
      assertFalse(
          inFlight.room().held().contains(created.leased().get(0).id()), "not attempted here");

      // Sent once, by the claim that finds the lease over.
      await().atMost(Duration.ofSeconds(15)).until(() -> receiver.hits("/late").size() == 1);
      Hit hit = receiver.hits("/late").get(0);
      assertTrue(
          hit.atMillis() >= leaseEnd.toEpochMilli(),
          "sent " + (leaseEnd.toEpochMilli() - hit.atMillis()) + " ms before its lease ended");
      Thread.sleep(3_000);
      assertEquals(1, receiver.hits("/late").size(), "sent once");
    }
  }
}
