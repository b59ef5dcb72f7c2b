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
 * @param at when the report was made
 * @param workerRunning whether every worker loop of the instance is alive
 * @param counts the service's job counts; {@code processing} is this instance's own
 * @param outboxWaitingMillis how long the oldest event the service committed has waited to be
 *     published (0: none waits); read with the counts
 */
public record ServiceStatus(
    String service,
    String instance,
    Instant at,
    boolean workerRunning,
    JobCounts counts,
    long outboxWaitingMillis) {

  /** A report that says nothing of the outbox. */
  public ServiceStatus(
      String service, String instance, Instant at, boolean workerRunning, JobCounts counts) {
    this(service, instance, at, workerRunning, counts, 0);
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
        d.path("outbox_waiting_ms").asLong(0));
  }
}
