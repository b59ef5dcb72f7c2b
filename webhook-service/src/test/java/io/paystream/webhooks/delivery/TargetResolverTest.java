package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ApiException;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.spi.resolver.ResolverProvider;
import io.vertx.mutiny.core.net.SocketAddress;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    CompletableFuture<Void> answer = new CompletableFuture<>();
    TargetResolver resolver =
        new TargetResolver(
            false,
            host -> {
              InetAddress[] found = {
                address(host.startsWith("private") ? "10.0.0.5" : "93.184.216.34")
              };
              // A name server that does not answer, until it does.
              return host.startsWith("slow")
                  ? answer.thenApply(v -> found)
                  : CompletableFuture.completedFuture(found);
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

    answer.complete(null); // the name servers answer: the merchant may check again
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

  /**
   * Attempts to one host share its lookup: one given up while the name server has not answered (its
   * subscription cancelled, as an attempt's deadline does) leaves the lookup to the others.
   */
  @Test
  void anAttemptGivenUpDuringItsLookupLeavesTheLookupToTheOthers() throws Exception {
    CompletableFuture<InetAddress[]> answer = new CompletableFuture<>();
    TargetResolver resolver = new TargetResolver(false, host -> answer, WAIT);
    Cancellable gone =
        resolver.connectTo("https://shared.example/hook").subscribe().with(a -> {}, f -> {});
    CompletableFuture<SocketAddress> waiting =
        resolver.connectTo("https://shared.example/hook").subscribeAsCompletionStage();
    gone.cancel();
    answer.complete(new InetAddress[] {address("93.184.216.34")});
    assertEquals("93.184.216.34", waiting.get(5, TimeUnit.SECONDS).hostAddress());
  }

  @Test
  void namesAreLookedUpAsTheHttpClientWouldWithoutAThreadWaitingForEach() throws Exception {
    // A name server that never answers, and a hosts file with two names.
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      // Vert.x's own resolver, as webhook-service runs it (quarkus.vertx.use-async-dns), whatever
      // a Quarkus application started earlier in this JVM left set.
      String jdkResolver = System.clearProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME);
      Vertx vertx;
      try {
        vertx =
            Vertx.vertx(
                new VertxOptions()
                    .setAddressResolverOptions(
                        new AddressResolverOptions()
                            .setHostsValue(
                                Buffer.buffer(
                                    "10.0.0.5 private.example\n93.184.216.34 public.example\n"))
                            .setServers(List.of("127.0.0.1:" + silent.getLocalPort()))
                            .setQueryTimeout(30_000)));
      } finally {
        if (jdkResolver != null) {
          System.setProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME, jdkResolver);
        }
      }
      try {
        TargetResolver resolver = new TargetResolver(false, TargetResolver.lookupWith(vertx), WAIT);
        // Two hundred merchants' lookups wait on the silent server at once...
        int threadsBefore = Thread.activeCount();
        List<CompletableFuture<String>> slow = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          slow.add(
              resolver
                  .refusal(UUID.randomUUID(), "https://slow" + i + ".example/hook")
                  .subscribeAsCompletionStage());
        }
        for (CompletableFuture<String> save : slow) {
          assertNull(save.get(5, TimeUnit.SECONDS)); // accepted once the save stops waiting
        }
        // ...with no thread held for any of them (a thread each would be 200 more; the worker
        // pools of the application running in this JVM may start a few dozen meanwhile),
        assertTrue(
            Thread.activeCount() - threadsBefore < 60,
            (Thread.activeCount() - threadsBefore) + " threads more while the lookups wait");
        // and the names the resolver knows are decided meanwhile, each address checked.
        Throwable refused =
            assertThrows(
                    CompletionException.class,
                    () -> resolver.connectTo("https://private.example/hook").await().atMost(PROMPT))
                .getCause();
        assertTrue(refused instanceof TargetGuard.Refused, String.valueOf(refused));
        assertTrue(refused.getMessage().contains("private address"), refused.getMessage());
        assertEquals(
            "93.184.216.34:443",
            resolver.connectTo("https://public.example/hook").await().atMost(PROMPT).toString());
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
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
