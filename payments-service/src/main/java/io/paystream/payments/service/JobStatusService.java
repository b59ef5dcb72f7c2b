package io.paystream.payments.service;

import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.messaging.Workers;
import io.paystream.payments.repository.PaymentCountsRepository;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.sql.Batcher;
import io.paystream.shared.status.JobCounts;
import io.paystream.shared.status.ServiceStatus;
import io.paystream.shared.status.StatusBoard;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Job status across the three services: this service's counts read live, the others' from their
 * heartbeats on the status stream (published every half second), and worker liveness from
 * heartbeats only: a worker is running when an instance reported, within the last few seconds, that
 * its loops are alive. Reports are followed on a {@link StatusBoard}, refreshed every few seconds
 * and on every request; a service's last report is kept for {@link #FORGOTTEN}. Each of the three
 * services must have a live worker for the whole to be running: one never heard of, or silent, is
 * not.
 */
@ApplicationScoped
public class JobStatusService {
  /** A heartbeat older than this means the instance is gone. */
  static final Duration LIVE = Duration.ofSeconds(3);

  /** How long the last report of a service that went silent is kept (its counts, when it was). */
  static final Duration FORGOTTEN = Duration.ofMinutes(10);

  private static final Map<String, String> QUEUES =
      Map.of(
          Streams.PAYMENTS_SERVICE, "payments",
          Streams.REFUND_SERVICE, "refunds",
          Streams.WEBHOOK_SERVICE, "webhooks");

  /**
   * How long the status waits for PostgreSQL and Redis (a pool's queue included): one that accepts
   * connections but does not answer (a paused server) gets a 503 instead of holding the request.
   * Long enough that a busy pool during a burst of payments does not.
   */
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

  /** Requests that one status read answers at most; more wait for the read after. */
  static final int MAX_SHARING = 4_096;

  /** How often the board reads new reports when nobody asks. */
  static final long BOARD_REFRESH_MILLIS = 5_000;

  private final StatusBoard board;
  private final PaymentCountsRepository counts;
  private final Workers workers;
  private final String instanceId;
  private final Vertx vertx;
  private final long timer;
  private final AtomicLong readsMade = new AtomicLong();

  /**
   * One read at a time, shared by the requests that came while the one before ran. A failed read is
   * an outcome shared like any other, never a failed batch: the batcher would otherwise try again
   * request by request.
   */
  private final Batcher<Boolean, Read> reads =
      new Batcher<>(
          MAX_SHARING,
          1,
          asks ->
              read()
                  .map(body -> new Read(body, null))
                  .onFailure()
                  .recoverWithItem(failure -> new Read(null, failure))
                  .map(outcome -> Collections.nCopies(asks.size(), outcome)));

  private record Read(byte[] body, Throwable failure) {}

  public JobStatusService(
      RedisStreams streams,
      PaymentCountsRepository counts,
      Workers workers,
      PaymentsConfig config,
      Vertx vertx) {
    this.board = new StatusBoard(streams, FORGOTTEN.toMillis());
    this.counts = counts;
    this.workers = workers;
    this.instanceId = config.instanceId();
    this.vertx = vertx;
    this.timer =
        vertx.setPeriodic(
            BOARD_REFRESH_MILLIS, id -> board.refresh().subscribe().with(ok -> {}, err -> {}));
  }

  /** Stops reading reports when nobody asks. */
  @PreDestroy
  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** This instance's own report: payment counts from the database, its own jobs in flight. */
  public Uni<JobCounts> ownCounts() {
    return counts
        .counts()
        .map(
            c -> new JobCounts(c.pending(), workers.paymentsInFlight(), c.completed(), c.failed()));
  }

  /**
   * The body of {@code GET /api/v1/test/jobs/status}. The endpoint needs no credentials, so
   * requests that arrive while a status is being read wait for the next read and share it: one read
   * at a time however many ask, and each started after the requests it answers arrived, so none
   * answers with counts older than itself.
   */
  public Uni<byte[]> status() {
    return reads
        .submit(Boolean.TRUE)
        // Behind a read that hangs, a request waits no longer than that read may.
        .ifNoItem()
        .after(ANSWER_WITHIN)
        .failWith(JobStatusService::timedOut)
        .chain(
            outcome ->
                outcome.failure() == null
                    ? Uni.createFrom().item(outcome.body())
                    : Uni.createFrom().failure(outcome.failure()));
  }

  /** How many status reads this instance has made (each shared by the requests it answered). */
  public long readsMade() {
    return readsMade.get();
  }

  private Uni<byte[]> read() {
    readsMade.incrementAndGet();
    return Uni.combine()
        .all()
        .unis(ownCounts(), board.read())
        .asTuple()
        .map(t -> render(t.getItem1(), t.getItem2()))
        .ifNoItem()
        .after(ANSWER_WITHIN)
        .failWith(JobStatusService::timedOut);
  }

  /** A dependency's timeout, answered (503) and logged as every other by the error mapper. */
  private static TimeoutException timedOut() {
    return new TimeoutException("PostgreSQL or Redis did not answer within " + ANSWER_WITHIN);
  }

  /** Whether some live payments-service instance (this one included) reports running workers. */
  public Uni<Boolean> paymentWorkerRunning() {
    if (workers.alive()) {
      return Uni.createFrom().item(true);
    }
    return board
        .read()
        .map(
            reading -> {
              Instant now = Instant.ofEpochMilli(reading.redisMillis());
              return reading.reports().values().stream()
                  .anyMatch(
                      s ->
                          Streams.PAYMENTS_SERVICE.equals(s.service())
                              && s.workerRunning()
                              && s.addedAt().isAfter(now.minus(LIVE)));
            });
  }

  /**
   * The status from this instance's own counts and the reports of every instance heard of. Reports
   * are dated by their stream entries, on Redis' clock, so they are aged on that clock too: an
   * instance whose own clock runs ahead of Redis' (or behind it) by more than {@link #LIVE} would
   * otherwise take every other worker for stopped (or a silent one for running). This instance's
   * own report is dated by the same clock, as of this reading.
   */
  private byte[] render(JobCounts own, StatusBoard.Reading reading) {
    Instant now = Instant.ofEpochMilli(reading.redisMillis());
    Map<String, ServiceStatus> byInstance = new HashMap<>(reading.reports());
    byInstance.put(
        Streams.PAYMENTS_SERVICE + "/" + instanceId,
        new ServiceStatus(Streams.PAYMENTS_SERVICE, instanceId, now, workers.alive(), own));

    Map<String, Queue> queues = new LinkedHashMap<>();
    for (String service :
        List.of(Streams.PAYMENTS_SERVICE, Streams.REFUND_SERVICE, Streams.WEBHOOK_SERVICE)) {
      queues.put(service, new Queue());
    }
    for (ServiceStatus s : byInstance.values()) {
      Queue q = queues.get(s.service());
      if (q == null || s.at().isBefore(now.minus(FORGOTTEN))) {
        continue;
      }
      q.seen = true;
      if (q.newest == null || s.at().isAfter(q.newest.at())) {
        q.newest = s;
      }
      // Liveness by when the report was added (its worker flag was read then), not by when its
      // counts were read: a slow count says nothing of the workers.
      if (s.addedAt().isAfter(now.minus(LIVE))) {
        q.processing += s.counts().processing();
        q.running |= s.workerRunning();
      }
    }

    JobCounts total = JobCounts.ZERO;
    boolean allRunning = true;
    JsonWriter perQueue = new JsonWriter().beginObject();
    for (Map.Entry<String, Queue> e : queues.entrySet()) {
      Queue q = e.getValue();
      JobCounts c = q.counts();
      total = total.plus(c);
      allRunning &= q.running;
      perQueue.name(QUEUES.get(e.getKey())).beginObject();
      perQueue.name("pending").value(c.pending()).name("processing").value(c.processing());
      perQueue.name("completed").value(c.completed()).name("failed").value(c.failed());
      perQueue.name("worker_status").value(!q.seen ? "unknown" : q.running ? "running" : "stopped");
      perQueue.name("reported_at");
      if (q.newest == null) {
        perQueue.nullValue();
      } else {
        perQueue.value(Timestamps.format(q.newest.at()));
      }
      perQueue.endObject();
    }
    perQueue.endObject();

    JsonWriter w = new JsonWriter().beginObject();
    w.name("pending").value(total.pending()).name("processing").value(total.processing());
    w.name("completed").value(total.completed()).name("failed").value(total.failed());
    w.name("worker_status").value(allRunning ? "running" : "stopped");
    w.name("queues").rawJson(perQueue.toString());
    return w.endObject().toBytes();
  }

  /**
   * One service's work: global counts from its newest report, in-flight summed over live ones. Work
   * in flight that is not pending (jobs of finished payments read again after Redis lost its data,
   * each dropped once looked at) is no work: processing never exceeds pending.
   */
  private static final class Queue {
    boolean seen;
    boolean running;
    long processing;
    ServiceStatus newest;

    JobCounts counts() {
      if (newest == null) {
        return JobCounts.ZERO;
      }
      JobCounts n = newest.counts();
      long held = Math.min(processing, n.pending());
      return new JobCounts(n.pending() - held, held, n.completed(), n.failed());
    }
  }
}
