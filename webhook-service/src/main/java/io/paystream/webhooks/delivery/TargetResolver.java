package io.paystream.webhooks.delivery;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.security.InFlightLimit;
import io.paystream.webhooks.config.WebhooksConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Decides where a webhook may connect. With private targets allowed, anywhere the URL says (the
 * HTTP client resolves it). Otherwise the host is resolved here (off the event loop, cached
 * briefly), every address it has must be public, and the connection is made to the address that was
 * checked, so a name that changes its answer between check and connect cannot slip through.
 */
@ApplicationScoped
public class TargetResolver {
  /**
   * Lookups that one merchant's endpoint saves may have running at once. A name whose servers never
   * answer holds a worker thread for as long as the system resolver waits (seconds), so without a
   * bound one merchant saving such names could take every worker thread, and with them every
   * merchant's deliveries.
   */
  static final int CHECKS_PER_MERCHANT = 4;

  /**
   * How long a save waits for its lookup. A name that has not answered by then is accepted, as one
   * that does not resolve now is: each attempt checks it again.
   */
  static final Duration CHECK_WITHIN = Duration.ofSeconds(3);

  private final boolean allowPrivate;
  private final Function<String, InetAddress[]> lookup;
  private final Duration checkWithin;
  private final InFlightLimit<UUID> checking = new InFlightLimit<>(CHECKS_PER_MERCHANT);
  private final AsyncCache<String, InetAddress[]> dns =
      Caffeine.newBuilder()
          .expireAfterWrite(Duration.ofSeconds(30))
          .maximumSize(10_000)
          .buildAsync();

  @Inject
  public TargetResolver(WebhooksConfig config) {
    this(config.delivery().allowPrivateTargets(), TargetResolver::lookup, CHECK_WITHIN);
  }

  TargetResolver(
      boolean allowPrivate, Function<String, InetAddress[]> lookup, Duration checkWithin) {
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
    return Uni.createFrom()
        .completionStage(
            () ->
                dns.get(
                    host,
                    (h, executor) ->
                        Uni.createFrom()
                            .item(() -> lookup.apply(h))
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                            .subscribeAsCompletionStage()));
  }

  private static InetAddress[] lookup(String host) {
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
