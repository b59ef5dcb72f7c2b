package io.paystream.shared.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.json.JsonWriter;
import java.time.Instant;

/**
 * One instance's heartbeat on {@code paystream:service-status}: which service, whether its worker
 * loops are alive, and its queue's job counts (read from its database at most a second before).
 *
 * @param service the service name (also the queue name in job status)
 * @param instance the instance (consumer) name
 * @param at when its counts and outbox wait were read (the status board dates a report by its
 *     stream entry, on Redis' clock, less {@code measuredMillisAgo})
 * @param workerRunning whether every worker loop of the instance is alive
 * @param counts the service's job counts; {@code processing} is this instance's own
 * @param outboxWaitingMillis how long the oldest event the service committed has waited to be
 *     published (0: none waits); read with the counts
 * @param measuredMillisAgo how long before the report was added to the stream its counts and outbox
 *     wait were read ({@link #addedAt})
 */
public record ServiceStatus(
    String service,
    String instance,
    Instant at,
    boolean workerRunning,
    JobCounts counts,
    long outboxWaitingMillis,
    long measuredMillisAgo) {

  /** A report read the moment it is added. */
  public ServiceStatus(
      String service,
      String instance,
      Instant at,
      boolean workerRunning,
      JobCounts counts,
      long outboxWaitingMillis) {
    this(service, instance, at, workerRunning, counts, outboxWaitingMillis, 0);
  }

  /** A report that says nothing of the outbox. */
  public ServiceStatus(
      String service, String instance, Instant at, boolean workerRunning, JobCounts counts) {
    this(service, instance, at, workerRunning, counts, 0, 0);
  }

  /**
   * When the report was added to the stream: its worker flag was read then, its counts {@code
   * measuredMillisAgo} before ({@link #at}).
   */
  public Instant addedAt() {
    return at.plusMillis(measuredMillisAgo);
  }

  /** The envelope written to the status stream. */
  public String encode() {
    return EventEnvelope.encodeNew(EventType.SERVICE_STATUS, null, null, this::writeData);
  }

  private void writeData(JsonWriter w) {
    w.beginObject().name("service").value(service).name("instance").value(instance);
    w.name("worker_running").value(workerRunning).name("counts");
    counts.write(w);
    w.name("outbox_waiting_ms").value(outboxWaitingMillis);
    w.name("measured_ms_ago").value(measuredMillisAgo);
    w.endObject();
  }

  /** Reads a report from a status envelope. */
  public static ServiceStatus read(EventEnvelope envelope) {
    JsonNode d = envelope.data();
    return new ServiceStatus(
        d.path("service").asText(),
        d.path("instance").asText(),
        envelope.createdAt(),
        d.path("worker_running").asBoolean(),
        JobCounts.read(d.path("counts")),
        d.path("outbox_waiting_ms").asLong(0),
        d.path("measured_ms_ago").asLong(0));
  }
}
