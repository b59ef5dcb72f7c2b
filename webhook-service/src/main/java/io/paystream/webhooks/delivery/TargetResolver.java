package io.paystream.webhooks.delivery;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.security.InFlightLimit;
import io.paystream.webhooks.config.WebhooksConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.impl.AddressResolver;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.spi.resolver.ResolverProvider;
import io.vertx.mutiny.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Decides where a webhook may connect. With private targets allowed, anywhere the URL says (the
 * HTTP client resolves it). Otherwise the host is resolved here, with the resolver the HTTP client
 * itself uses (Vert.x's: the hosts file, then DNS as {@code resolv.conf} says), which answers
 * asynchronously, so no thread waits on a name server however slow it is; answers are cached
 * briefly. Every address the name has must be public, and the connection is made to the address
 * that was checked, so a name that changes its answer between check and connect cannot slip
 * through.
 */
@ApplicationScoped
public class TargetResolver {
  /**
   * Lookups that one merchant's endpoint saves may have running at once. A name whose servers never
   * answer keeps its lookup running for as long as the resolver waits (seconds), so that one
   * merchant saving such names cannot make the service hold any number of them.
   */
  static final int CHECKS_PER_MERCHANT = 4;

  /**
   * How long a save waits for its lookup. A name that has not answered by then is accepted, as one
   * that does not resolve now is: each attempt checks it again.
   */
  static final Duration CHECK_WITHIN = Duration.ofSeconds(3);

  private final boolean allowPrivate;
  private final Function<String, CompletionStage<InetAddress[]>> lookup;
  private final Duration checkWithin;
  private final InFlightLimit<UUID> checking = new InFlightLimit<>(CHECKS_PER_MERCHANT);
  private final AsyncCache<String, InetAddress[]> dns =
      Caffeine.newBuilder()
          .expireAfterWrite(Duration.ofSeconds(30))
          .maximumSize(10_000)
          .buildAsync();

  @Inject
  public TargetResolver(WebhooksConfig config, Vertx vertx) {
    this(config.delivery().allowPrivateTargets(), lookupWith(vertx), CHECK_WITHIN);
  }

  /**
   * With {@code lookup}, which gives every address of a name or fails with {@link
   * TargetLookupFailed}.
   */
  TargetResolver(
      boolean allowPrivate,
      Function<String, CompletionStage<InetAddress[]>> lookup,
      Duration checkWithin) {
    this.allowPrivate = allowPrivate;
    this.lookup = lookup;
    this.checkWithin = checkWithin;
  }

  /**
   * Where to connect for {@code url}: {@code null} to let the client resolve the URL's host, or a
   * checked address. Fails with {@link TargetGuard.Refused} for a target that is not allowed.
   */
  public Uni<SocketAddress> connectTo(String url) {
    if (allowPrivate) {
      return Uni.createFrom().nullItem(); // saved URLs were checked in form when saved
    }
    TargetGuard.Target t;
    try {
      t = TargetGuard.parse(url);
    } catch (TargetGuard.Refused e) {
      return Uni.createFrom().failure(e);
    }
    String refused = TargetGuard.refusedHost(t);
    if (refused != null) {
      return Uni.createFrom().failure(new TargetGuard.Refused(refused));
    }
    if (t.literal() != null) {
      return Uni.createFrom().item(address(t.port(), t.literal()));
    }
    return resolve(t.host())
        .chain(
            all -> {
              for (InetAddress a : all) {
                String why = TargetGuard.refusedAddress(a);
                if (why != null) {
                  return Uni.createFrom().failure(new TargetGuard.Refused(why));
                }
              }
              return Uni.createFrom().item(address(t.port(), all[0]));
            });
  }

  /**
   * Why the API must refuse {@code url} for {@code merchant}, or {@code null}. A name that does not
   * resolve now, or not within {@link #CHECK_WITHIN}, is accepted: its attempts will fail until it
   * does, and each one is checked again. Fails with a 429 {@link ApiException} while the merchant
   * has {@link #CHECKS_PER_MERCHANT} lookups running.
   */
  public Uni<String> refusal(UUID merchant, String url) {
    if (allowPrivate) {
      return Uni.createFrom().nullItem(); // its form was checked by the request parser
    }
    if (!checking.tryAcquire(merchant)) {
      return Uni.createFrom()
          .failure(
              ApiException.rateLimited(
                  "Too many webhook URLs are being checked at once; retry shortly", 1));
    }
    // The slot is freed when the lookup ends, not when the request stops waiting for it.
    CompletableFuture<String> verdict =
        connectTo(url)
            .map(ok -> (String) null)
            .onFailure(TargetGuard.Refused.class)
            .recoverWithItem(Throwable::getMessage)
            .onFailure()
            .recoverWithNull()
            .subscribeAsCompletionStage();
    verdict.whenComplete((reason, failure) -> checking.release(merchant));
    return Uni.createFrom()
        .completionStage(verdict.thenApply(reason -> reason))
        .ifNoItem()
        .after(checkWithin)
        .recoverWithItem((String) null);
  }

  private Uni<InetAddress[]> resolve(String host) {
    // Attempts to one host share its lookup, and one given up cancels what it waits on: each
    // waits on a copy, so that it never cancels the others' lookup.
    return Uni.createFrom()
        .completionStage(
            () -> dns.get(host, (h, executor) -> lookup.apply(h).toCompletableFuture()).copy());
  }

  /**
   * Every address of a name, from the resolver of {@code vertx}'s HTTP clients. Its all-addresses
   * lookup is not on the public {@link Vertx} interface (the single-address one is), so it is
   * reached through {@link VertxInternal}. Where that resolver is the JDK's (Vert.x's own turned
   * off: {@code quarkus.vertx.use-async-dns=false}), which would block the calling event loop,
   * names are looked up on worker threads instead.
   */
  static Function<String, CompletionStage<InetAddress[]>> lookupWith(Vertx vertx) {
    if (Boolean.getBoolean(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME)) {
      return host ->
          Uni.createFrom()
              .item(() -> blockingLookup(host))
              .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
              .subscribeAsCompletionStage();
    }
    AddressResolver resolver = ((VertxInternal) vertx).addressResolver();
    return host -> {
      CompletableFuture<InetAddress[]> all = new CompletableFuture<>();
      resolver.resolveHostnameAll(
          host,
          found -> {
            if (found.succeeded() && !found.result().isEmpty()) {
              all.complete(
                  found.result().stream()
                      .map(InetSocketAddress::getAddress)
                      .toArray(InetAddress[]::new));
            } else {
              all.completeExceptionally(new TargetLookupFailed(host));
            }
          });
      return all;
    };
  }

  private static InetAddress[] blockingLookup(String host) {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new TargetLookupFailed(host);
    }
  }

  private static SocketAddress address(int port, InetAddress a) {
    return SocketAddress.inetSocketAddress(port, a.getHostAddress());
  }

  /** The host has no address (now). */
  static final class TargetLookupFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TargetLookupFailed(String host) {
      super("host not found: " + host, null, false, false);
    }
  }
}
