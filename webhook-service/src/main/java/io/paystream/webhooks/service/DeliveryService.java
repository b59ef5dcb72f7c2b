package io.paystream.webhooks.service;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.EventType;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.http.Page;
import io.paystream.shared.id.Ids;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.web.Caller;
import io.paystream.webhooks.Delivery;
import io.paystream.webhooks.delivery.DeliveryScheduler;
import io.paystream.webhooks.delivery.WebhookBody;
import io.paystream.webhooks.repository.DeliveryLogRepository;
import io.paystream.webhooks.repository.DeliveryLogRepository.TestOutcome;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** The delivery log, manual retries, and test events. */
@ApplicationScoped
public class DeliveryService {
  private static final Set<String> STATUSES =
      Set.of(Delivery.PENDING, Delivery.SUCCESS, Delivery.FAILED);

  private final DatabaseClock clock;
  private final DeliveryLogRepository log;
  private final DeliveryScheduler scheduler;
  private final IdempotentRun run;

  public DeliveryService(
      DeliveryLogRepository log,
      DeliveryScheduler scheduler,
      IdempotentRun run,
      DatabaseClock clock) {
    this.clock = clock;
    this.log = log;
    this.scheduler = scheduler;
    this.run = run;
  }

  private static ApiException notFound() {
    return ApiException.notFound("Webhook delivery not found");
  }

  public Uni<byte[]> list(Caller c, Page page, String status, String event) {
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.badRequest("status must be pending, success or failed", "status");
    }
    EventType type = EventType.fromWireName(event);
    if (event != null && (type == null || !type.isWebhookEvent())) {
      throw ApiException.badRequest("event must be a webhook event name", "event");
    }
    return log.list(c.merchantId(), status, event, page)
        .map(l -> page.envelope(l.items(), l.total(), (d, w) -> d.write(w)));
  }

  /** The delivery with its payload and every attempt. */
  public Uni<byte[]> get(Caller c, String idText) {
    UUID id = Ids.uuidOrNull(idText);
    if (id == null) {
      return Uni.createFrom().failure(notFound());
    }
    return Uni.combine()
        .all()
        .unis(log.find(id, c.merchantId()), log.attempts(id))
        .asTuple()
        .map(
            t -> {
              if (t.getItem1() == null) {
                throw notFound();
              }
              return t.getItem1().delivery().detail(t.getItem1().payload(), t.getItem2());
            });
  }

  /** Schedules a delivery again from attempt 1, whatever its status; its history stays. */
  public Uni<ApiResponse> retry(Caller c, String idText, String key, String path) {
    byte[] fingerprint = run.fingerprint("POST", path, null);
    UUID id = Ids.uuidOrNull(idText);
    if (id == null) {
      return Uni.createFrom().failure(notFound());
    }
    JsonWriter w = new JsonWriter().beginObject().name("id").value(id.toString());
    w.name("status").value(Delivery.PENDING).name("message").value("Webhook retry scheduled");
    byte[] body = w.endObject().toBytes();
    return run.run(
        c.merchantId(),
        key,
        fingerprint,
        storing ->
            log.reopen(id, c.merchantId(), clock.now(), storing.response(200, body))
                .map(
                    found -> {
                      if (!found) {
                        throw notFound();
                      }
                      scheduler.wake();
                      return ApiResponse.ok(body);
                    }));
  }

  /** Sends {@code webhook.test} to one endpoint (whatever its event filter): 202 and its id. */
  public Uni<ApiResponse> sendTest(Caller c, String endpointText, String key, String path) {
    byte[] fingerprint = run.fingerprint("POST", path, null);
    UUID endpoint = EndpointService.id(endpointText);
    return run.run(
        c.merchantId(),
        key,
        fingerprint,
        storing -> {
          UUID deliveryId = UUID.randomUUID();
          String eventId = Ids.event();
          Instant now = clock.now();
          JsonWriter w = new JsonWriter().beginObject().name("id").value(deliveryId.toString());
          w.name("event").value(EventType.WEBHOOK_TEST.wireName()).name("event_id").value(eventId);
          byte[] answer = w.name("status").value(Delivery.PENDING).endObject().toBytes();
          return log.createTest(
                  deliveryId,
                  endpoint,
                  c.merchantId(),
                  eventId,
                  WebhookBody.test(now, endpoint),
                  c.requestId(),
                  now,
                  storing.response(202, answer))
              .map(
                  outcome -> {
                    if (outcome == TestOutcome.NO_ENDPOINT) {
                      throw EndpointService.notFound();
                    }
                    if (outcome == TestOutcome.DISABLED) {
                      throw ApiException.badRequest("Webhook endpoint is disabled");
                    }
                    scheduler.wake();
                    return ApiResponse.of(202, answer);
                  });
        });
  }
}
