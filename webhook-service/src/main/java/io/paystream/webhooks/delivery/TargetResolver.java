package io.paystream.webhooks.delivery;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.paystream.webhooks.config.WebhooksConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Decides where a webhook may connect. With private targets allowed, anywhere the URL says (the
 * HTTP client resolves it). Otherwise the host is resolved here (off the event loop, cached
 * briefly), every address it has must be public, and the connection is made to the address that was
 * checked, so a name that changes its answer between check and connect cannot slip through.
 */
@ApplicationScoped
public class TargetResolver {
  private final boolean allowPrivate;
  private final AsyncCache<String, InetAddress[]> dns =
      Caffeine.newBuilder()
          .expireAfterWrite(Duration.ofSeconds(30))
          .maximumSize(10_000)
          .buildAsync();

  public TargetResolver(WebhooksConfig config) {
    this.allowPrivate = config.delivery().allowPrivateTargets();
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
   * Why the API must refuse {@code url}, or {@code null}. A name that does not resolve now is
   * accepted: its attempts will fail until it does, and each one is checked again.
   */
  public Uni<String> refusal(String url) {
    if (allowPrivate) {
      return Uni.createFrom().nullItem(); // its form was checked by the request parser
    }
    return connectTo(url)
        .map(ok -> (String) null)
        .onFailure(TargetGuard.Refused.class)
        .recoverWithItem(Throwable::getMessage)
        .onFailure()
        .recoverWithNull();
  }

  private Uni<InetAddress[]> resolve(String host) {
    return Uni.createFrom()
        .completionStage(
            () ->
                dns.get(
                    host,
                    (h, executor) ->
                        Uni.createFrom()
                            .item(() -> lookup(h))
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
