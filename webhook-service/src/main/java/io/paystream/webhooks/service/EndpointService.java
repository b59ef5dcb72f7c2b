package io.paystream.webhooks.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.http.Page;
import io.paystream.shared.id.Ids;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.web.Caller;
import io.paystream.webhooks.Endpoint;
import io.paystream.webhooks.delivery.TargetResolver;
import io.paystream.webhooks.repository.EndpointRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** A merchant's webhook endpoints: many per merchant, each with its URL and event filter. */
@ApplicationScoped
public class EndpointService {
  /** Endpoints one merchant may have. */
  static final int MAX_PER_MERCHANT = 100;

  private final DatabaseClock clock;
  private final EndpointRepository endpoints;
  private final TargetResolver targets;
  private final IdempotentRun run;
  private final Vertx vertx;

  public EndpointService(
      EndpointRepository endpoints,
      TargetResolver targets,
      IdempotentRun run,
      Vertx vertx,
      DatabaseClock clock) {
    this.clock = clock;
    this.endpoints = endpoints;
    this.targets = targets;
    this.run = run;
    this.vertx = vertx;
  }

  static ApiException notFound() {
    return ApiException.notFound("Webhook endpoint not found");
  }

  /** The endpoint id in a path, or a 404 for anything that cannot be one. */
  static UUID id(String text) {
    UUID id = Ids.uuidOrNull(text);
    if (id == null) {
      throw notFound();
    }
    return id;
  }

  public Uni<ApiResponse> create(Caller c, String key, ObjectNode body, String path) {
    byte[] fingerprint = run.fingerprint("POST", path, body);
    return run.run(
        c.merchantId(),
        key,
        fingerprint,
        storing -> {
          EndpointInput in = EndpointInput.parse(body, false);
          return allowed(c, in.url())
              .chain(
                  () -> {
                    Instant now = clock.now();
                    boolean enabled = in.enabled() == null || in.enabled();
                    Endpoint e =
                        new Endpoint(
                            UUID.randomUUID(),
                            c.merchantId(),
                            in.url(),
                            in.events(),
                            enabled,
                            now,
                            now);
                    byte[] bytes = e.toBytes();
                    return endpoints
                        .insert(e, MAX_PER_MERCHANT, storing.response(201, bytes))
                        // An insert whose answer was lost is looked for: a 503 that was not
                        // true would invite a second endpoint, which would get every event again.
                        .plug(
                            InDoubt.lookedUp(
                                vertx,
                                InDoubt.Subject.creation(
                                    "webhook endpoint",
                                    e.id().toString(),
                                    "/api/v1/webhook-endpoints/"),
                                () -> endpoints.exists(e.id(), e.merchantId()),
                                true))
                        .map(
                            added -> {
                              if (!added) {
                                throw ApiException.badRequest(
                                    "A merchant can have at most "
                                        + MAX_PER_MERCHANT
                                        + " webhook endpoints");
                              }
                              return ApiResponse.created(bytes);
                            });
                  });
        });
  }

  public Uni<byte[]> list(Caller c, Page page) {
    return endpoints
        .list(c.merchantId(), page)
        .map(l -> page.envelope(l.items(), l.total(), (e, w) -> e.write(w)));
  }

  public Uni<byte[]> get(Caller c, String idText) {
    return Uni.createFrom()
        .deferred(() -> endpoints.find(id(idText), c.merchantId()))
        .map(e -> found(e).toBytes());
  }

  public Uni<byte[]> update(Caller c, String idText, ObjectNode body) {
    UUID id = id(idText);
    EndpointInput in = EndpointInput.parse(body, true);
    EndpointRepository.Change change =
        new EndpointRepository.Change(in.url(), in.eventsGiven(), in.events(), in.enabled());
    return allowed(c, in.url())
        .chain(() -> endpoints.update(id, c.merchantId(), change, clock.now()))
        .map(e -> found(e).toBytes());
  }

  public Uni<Void> delete(Caller c, String idText) {
    return Uni.createFrom()
        .deferred(() -> endpoints.delete(id(idText), c.merchantId(), clock.now()))
        .map(
            deleted -> {
              if (!deleted) {
                throw notFound();
              }
              return null;
            });
  }

  /** Refuses (400) a URL whose target is private unless the deployment allows it. */
  private Uni<Void> allowed(Caller c, String url) {
    if (url == null) {
      return Uni.createFrom().voidItem();
    }
    return targets
        .refusal(c.merchantId(), url)
        .map(
            reason -> {
              if (reason != null) {
                throw ApiException.badRequest(reason, "url");
              }
              return null;
            });
  }

  private static Endpoint found(Endpoint e) {
    if (e == null) {
      throw notFound();
    }
    return e;
  }
}
