package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ApiException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The API's check of a webhook URL when private targets are not allowed. */
class TargetResolverTest {
  private static final Duration WAIT = Duration.ofMillis(300);

  @Test
  void aMerchantWhoseNamesNeverAnswerHoldsFourLookupsAndNoMore() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    TargetResolver resolver =
        new TargetResolver(
            false,
            host -> {
              if (host.startsWith("slow")) {
                await(answer); // a name server that does not answer
              }
              return new InetAddress[] {address("93.184.216.34")};
            },
            WAIT);
    UUID slowMerchant = UUID.randomUUID();
    List<CompletableFuture<String>> saves = new ArrayList<>();
    for (int i = 0; i < TargetResolver.CHECKS_PER_MERCHANT; i++) {
      saves.add(
          resolver
              .refusal(slowMerchant, "https://slow" + i + ".example/hook")
              .subscribeAsCompletionStage());
    }
    // Each save answers once it has waited long enough: the URL is accepted, as a name that
    // does not resolve now is.
    for (CompletableFuture<String> save : saves) {
      assertNull(save.get(5, TimeUnit.SECONDS));
    }
    // Its lookups still run: a fifth is refused at once, with 429.
    ApiException refused =
        assertThrows(
            ApiException.class,
            () -> resolver.refusal(slowMerchant, "https://slow9.example/").await().indefinitely());
    assertEquals(429, refused.status());
    // Other merchants are not held up, and a private target is still refused.
    UUID other = UUID.randomUUID();
    assertNull(resolver.refusal(other, "https://fast.example/hook").await().atMost(WAIT));
    assertTrue(
        resolver
            .refusal(other, "http://10.0.0.1/hook")
            .await()
            .atMost(WAIT)
            .contains("private address"));

    answer.countDown(); // the name servers answer: the merchant may check again
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String verdict = "not checked";
    while (System.nanoTime() < deadline) {
      try {
        verdict = resolver.refusal(slowMerchant, "https://slow0.example/").await().atMost(WAIT);
        break;
      } catch (ApiException stillRunning) {
        Thread.sleep(20);
      }
    }
    assertNull(verdict);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
