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
  /** How long the resolver lets a save wait for its lookup, in this test. */
  private static final Duration WAIT = Duration.ofMillis(500);

  /** How long the test waits for an answer that needs no slow lookup. */
  private static final Duration PROMPT = Duration.ofSeconds(10);

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
              return new InetAddress[] {
                address(host.startsWith("private") ? "10.0.0.5" : "93.184.216.34")
              };
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
    // Other merchants are not held up: their lookups run and decide (a name of a private
    // address is refused, which a save that only timed out would not be).
    UUID other = UUID.randomUUID();
    assertTrue(
        resolver
            .refusal(other, "https://private.example/hook")
            .await()
            .atMost(PROMPT)
            .contains("private address"));
    assertNull(resolver.refusal(other, "https://public.example/hook").await().atMost(PROMPT));

    answer.countDown(); // the name servers answer: the merchant may check again
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String verdict = "not checked";
    while (System.nanoTime() < deadline) {
      try {
        verdict = resolver.refusal(slowMerchant, "https://private.example/").await().atMost(PROMPT);
        break;
      } catch (ApiException stillRunning) {
        Thread.sleep(20);
      }
    }
    assertTrue(verdict != null && verdict.contains("private address"), verdict);
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
