package io.paystream.refunds.service;

import io.paystream.refunds.messaging.Workers;
import io.paystream.refunds.repository.RefundCountsRepository;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/** {@code GET /health}: the database and Redis asked now, the worker loops from their own state. */
@ApplicationScoped
public class HealthService {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final RefundCountsRepository database;
  private final Redis redis;
  private final Workers workers;

  public HealthService(RefundCountsRepository database, Redis redis, Workers workers) {
    this.database = database;
    this.redis = redis;
    this.workers = workers;
  }

  /** A health report and whether everything is up. */
  public record Report(boolean healthy, byte[] body) {}

  public Uni<Report> report() {
    Uni<Boolean> db = probe(database.ping());
    Uni<Boolean> cache = probe(redis.send(Request.cmd(Command.PING)).map(r -> true));
    return Uni.combine()
        .all()
        .unis(db, cache)
        .asTuple()
        .map(
            t -> {
              boolean worker = workers.alive();
              boolean healthy = t.getItem1() && t.getItem2() && worker;
              JsonWriter w = new JsonWriter().beginObject();
              w.name("status").value(healthy ? "healthy" : "unhealthy");
              w.name("database").value(t.getItem1() ? "connected" : "disconnected");
              w.name("redis").value(t.getItem2() ? "connected" : "disconnected");
              w.name("worker").value(worker ? "running" : "stopped");
              w.name("timestamp").value(Timestamps.format(Instant.now()));
              return new Report(healthy, w.endObject().toBytes());
            });
  }

  private static Uni<Boolean> probe(Uni<Boolean> check) {
    return check.ifNoItem().after(PROBE_TIMEOUT).fail().onFailure().recoverWithItem(false);
  }
}
