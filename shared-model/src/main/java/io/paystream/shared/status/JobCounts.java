package io.paystream.shared.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.shared.json.JsonWriter;

/**
 * Work by state: waiting for a worker, held by a worker, finished well, finished badly.
 *
 * @param pending accepted, not yet taken by a worker
 * @param processing taken by a live worker
 * @param completed finished successfully
 * @param failed finished without success
 */
public record JobCounts(long pending, long processing, long completed, long failed) {
  public static final JobCounts ZERO = new JobCounts(0, 0, 0, 0);

  public JobCounts plus(JobCounts o) {
    return new JobCounts(
        pending + o.pending, processing + o.processing, completed + o.completed, failed + o.failed);
  }

  public JsonWriter write(JsonWriter w) {
    w.beginObject().name("pending").value(pending).name("processing").value(processing);
    return w.name("completed").value(completed).name("failed").value(failed).endObject();
  }

  public static JobCounts read(JsonNode n) {
    return new JobCounts(
        n.path("pending").asLong(),
        n.path("processing").asLong(),
        n.path("completed").asLong(),
        n.path("failed").asLong());
  }
}
