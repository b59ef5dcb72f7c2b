package io.paystream.payments.service;

import io.paystream.payments.repository.PaymentCountsRepository;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/** {@code GET /health}: the database and Redis asked now, the worker from live heartbeats. */
@ApplicationScoped
public class HealthService {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final PaymentCountsRepository database;
  private final Redis redis;
  private final JobStatusService jobs;

  public HealthService(PaymentCountsRepository database, Redis redis, JobStatusService jobs) {
    this.database = database;
    this.redis = redis;
    this.jobs = jobs;
  }

  /** A health report and whether everything is up. */
  public record Report(boolean healthy, byte[] body) {}

  public Uni<Report> report() {
    Uni<Boolean> db = probe(database.ping());
    Uni<Boolean> cache = probe(redis.send(Request.cmd(Command.PING)).map(r -> true));
    Uni<Boolean> worker = probe(jobs.paymentWorkerRunning());
    return Uni.combine()
        .all()
        .unis(db, cache, worker)
        .asTuple()
        .map(
            t -> {
              boolean healthy = t.getItem1() && t.getItem2() && t.getItem3();
              JsonWriter w = new JsonWriter().beginObject();
              w.name("status").value(healthy ? "healthy" : "unhealthy");
              w.name("database").value(t.getItem1() ? "connected" : "disconnected");
              w.name("redis").value(t.getItem2() ? "connected" : "disconnected");
              w.name("worker").value(t.getItem3() ? "running" : "stopped");
              w.name("timestamp").value(Timestamps.format(Instant.now()));
              return new Report(healthy, w.endObject().toBytes());
            });
  }

  private static Uni<Boolean> probe(Uni<Boolean> check) {
    return check.ifNoItem().after(PROBE_TIMEOUT).fail().onFailure().recoverWithItem(false);
  }
}
