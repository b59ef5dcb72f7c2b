package io.paystream.shared.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.error.ApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A key or secret that the credential table gained after this instance cached the key is accepted
 * as soon as the table holds it (another instance applied the change); a key read for the request
 * itself is not read twice; a flood of refused secrets reads a key at most once per recheck
 * interval; a failed read keeps the entry. The cache's clock is a fake one, moved by hand.
 */
class ApiKeyAuthenticatorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final UUID MERCHANT = UUID.randomUUID();
  private static final String KEY = "key_live_merchant";
  private static final long RECHECK_NANOS =
      TimeUnit.MILLISECONDS.toNanos(ApiKeyAuthenticator.RECHECK_AFTER_MILLIS);

  /** The credential table: key → secret. */
  private final Map<String, String> table = new ConcurrentHashMap<>();

  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicBoolean tableDown = new AtomicBoolean();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ApiKeyAuthenticator authenticator =
      new ApiKeyAuthenticator(
          key -> {
            loads.incrementAndGet();
            if (tableDown.get()) {
              return Uni.createFrom().failure(new IllegalStateException("connection closed"));
            }
            String secret = table.get(key);
            return Uni.createFrom()
                .item(
                    secret == null
                        ? null
                        : new ApiKeyAuthenticator.Credential(
                            MERCHANT, "Merchant", ApiSecrets.parseHash(ApiSecrets.hash(secret))));
          },
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          1_000,
          now::get);

  @Test
  void aSecretRotatedElsewhereIsAcceptedByTheNextRequest() {
    table.put(KEY, "secret_old");
    assertEquals(MERCHANT, accepted(KEY, "secret_old"));

    table.put(KEY, "secret_new"); // another instance applied the rotation
    now.addAndGet(RECHECK_NANOS);
    assertEquals(MERCHANT, accepted(KEY, "secret_new"));
    assertEquals(2, loads.get());
    assertEquals(401, refused(KEY, "secret_old"), "the entry read again refuses the old one");
    assertEquals(2, loads.get(), "an entry read since the request arrived is not read again");
  }

  @Test
  void aSecretRotatedElsewhereIsAcceptedEvenWhileTheCachedEntryIsYoung() {
    table.put(KEY, "secret_old");
    accepted(KEY, "secret_old");
    table.put(KEY, "secret_new");
    now.addAndGet(RECHECK_NANOS / 10); // read 10 ms before this request: it waits the other 90

    long started = System.nanoTime();
    assertEquals(MERCHANT, accepted(KEY, "secret_new"));
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(waitedMillis >= 80, "read again only once 100 ms old: waited " + waitedMillis);
    assertEquals(2, loads.get());
  }

  @Test
  void aKeyCreatedElsewhereIsAcceptedDespiteACachedMiss() {
    assertEquals(401, refused(KEY, "secret_new"));
    assertEquals(1, loads.get(), "a key read for the request itself is not read twice");
    table.put(KEY, "secret_new");
    now.addAndGet(RECHECK_NANOS);
    assertEquals(MERCHANT, accepted(KEY, "secret_new"));
    assertEquals(2, loads.get());
  }

  @Test
  void unknownKeysAreReadOnceEach() {
    for (int i = 0; i < 50; i++) {
      assertEquals(401, refused("key_unknown_" + i, "guess"));
      assertEquals(401, refused("key_unknown_" + i, "guess again"));
    }
    assertEquals(50, loads.get());
  }

  @Test
  void refusedSecretsReadTheKeyAgainAtMostOncePerInterval() {
    table.put(KEY, "secret_live");
    accepted(KEY, "secret_live");
    for (int round = 1; round <= 3; round++) {
      now.addAndGet(RECHECK_NANOS);
      for (int i = 0; i < 50; i++) {
        assertEquals(401, refused(KEY, "guess-" + i));
      }
      assertEquals(1 + round, loads.get(), "round " + round);
    }
  }

  @Test
  void aReadThatFailsKeepsTheEntry() {
    table.put(KEY, "secret_live");
    accepted(KEY, "secret_live");
    tableDown.set(true);
    now.addAndGet(RECHECK_NANOS);
    assertEquals(401, refused(KEY, "secret_other"), "refused, not failed");
    assertEquals(2, loads.get());
    assertEquals(MERCHANT, accepted(KEY, "secret_live"), "still served from the kept entry");
    assertEquals(2, loads.get());
  }

  @Test
  void anEntryIsReadAgainAfterItsTimeToLive() {
    table.put(KEY, "secret_live");
    accepted(KEY, "secret_live");
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    accepted(KEY, "secret_live");
    assertEquals(2, loads.get());
  }

  /**
   * Requests for one key share its read: one whose client went away (its subscription cancelled)
   * leaves the read to the others, which would otherwise fail (a 500) with the cancelled read.
   */
  @Test
  void aRequestCancelledWhileItsKeyIsReadLeavesTheReadToTheOthers() {
    CompletableFuture<ApiKeyAuthenticator.Credential> read = new CompletableFuture<>();
    ApiKeyAuthenticator slow = slowReads(() -> read);
    Cancellable gone = slow.authenticate(KEY, "secret_live").subscribe().with(c -> {}, f -> {});
    CompletableFuture<ApiKeyAuthenticator.Credential> waiting =
        slow.authenticate(KEY, "secret_live").subscribeAsCompletionStage();
    gone.cancel();
    read.complete(credential("secret_live"));
    assertEquals(MERCHANT, waiting.join().merchantId());
  }

  /** The same for requests waiting on a recheck of a refused secret. */
  @Test
  void aRequestCancelledWhileItsSecretIsRecheckedLeavesTheRecheckToTheOthers() {
    AtomicReference<CompletableFuture<ApiKeyAuthenticator.Credential>> read =
        new AtomicReference<>(CompletableFuture.completedFuture(credential("secret_old")));
    ApiKeyAuthenticator slow = slowReads(read::get);
    assertEquals(MERCHANT, slow.authenticate(KEY, "secret_old").await().atMost(WAIT).merchantId());
    now.addAndGet(RECHECK_NANOS);
    CompletableFuture<ApiKeyAuthenticator.Credential> reread = new CompletableFuture<>();
    read.set(reread);
    Cancellable gone = slow.authenticate(KEY, "secret_new").subscribe().with(c -> {}, f -> {});
    CompletableFuture<ApiKeyAuthenticator.Credential> waiting =
        slow.authenticate(KEY, "secret_new").subscribeAsCompletionStage();
    gone.cancel();
    reread.complete(credential("secret_new"));
    assertEquals(MERCHANT, waiting.join().merchantId());
  }

  /** An authenticator whose every read waits on the future {@code read} gives at that moment. */
  private ApiKeyAuthenticator slowReads(
      Supplier<CompletableFuture<ApiKeyAuthenticator.Credential>> read) {
    return new ApiKeyAuthenticator(
        key -> Uni.createFrom().completionStage(read.get()),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        1_000,
        now::get);
  }

  private static ApiKeyAuthenticator.Credential credential(String secret) {
    return new ApiKeyAuthenticator.Credential(
        MERCHANT, "Merchant", ApiSecrets.parseHash(ApiSecrets.hash(secret)));
  }

  private UUID accepted(String key, String secret) {
    return authenticator.authenticate(key, secret).await().atMost(WAIT).merchantId();
  }

  private int refused(String key, String secret) {
    return assertThrows(
            ApiException.class, () -> authenticator.authenticate(key, secret).await().atMost(WAIT))
        .status();
  }
}
