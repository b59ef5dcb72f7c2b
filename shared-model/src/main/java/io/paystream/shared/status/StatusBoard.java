package io.paystream.shared.status;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest report of every instance heard of lately, kept by following the status stream. Each
 * {@link #refresh} reads only the entries added since the one before, so an instance that stopped
 * reporting stays known, as silent, for {@code rememberMillis}, however many reports the others
 * have added since: the stream itself keeps only about {@link StatusPublisher#MAX_LEN}, a few
 * minutes of a cluster's reports. A report's time ({@link ServiceStatus#at}) is that of its stream
 * entry, to the millisecond (the report's own time is to the second), less the time its publisher
 * took between reading what it reports and adding it: a report read before a slow query and added
 * late is as old as what it says, not as old as its entry ({@link ServiceStatus#addedAt}). Of an
 * instance's reports, the one read last is its newest. How long ago an instance was last heard of
 * is measured on Redis' clock, which timed its reports, so that this instance's clock running ahead
 * forgets no one early. Refresh at least every few seconds, as a timer does.
 */
public final class StatusBoard {
  /** Entries read per refresh: more than the stream keeps. */
  static final int READ = 10_000;

  private final RedisStreams streams;
  private final long rememberMillis;
  private final Map<String, Seen> newest = new HashMap<>();

  /** The id of the newest entry read, or {@code null} before the first. */
  private String lastId;

  private record Seen(String entryId, ServiceStatus status) {}

  public StatusBoard(RedisStreams streams, long rememberMillis) {
    this.streams = streams;
    this.rememberMillis = rememberMillis;
  }

  /**
   * The reports after a refresh, and Redis' clock when they were read, which ages them.
   *
   * @param reports the newest report of each instance heard of, keyed {@code service/instance}
   */
  public record Reading(Map<String, ServiceStatus> reports, long redisMillis) {}

  /**
   * Reads the reports added since the last refresh; emits the newest report of each instance heard
   * of within {@code rememberMillis}, keyed {@code service/instance}.
   */
  public Uni<Map<String, ServiceStatus>> refresh() {
    return read().map(Reading::reports);
  }

  /** As {@link #refresh}, with the time on Redis' clock that the reports were measured against. */
  public Uni<Reading> read() {
    String from;
    synchronized (this) {
      from = lastId == null ? "-" : "(" + lastId;
    }
    Uni<List<StreamEntry>> entries =
        streams
            .range(Streams.SERVICE_STATUS, from, "+", READ)
            .chain(read -> read.isEmpty() ? wentBack() : Uni.createFrom().item(read));
    return Uni.combine()
        .all()
        .unis(entries, streams.serverMillis())
        .asTuple()
        .map(t -> new Reading(fold(t.getItem1(), t.getItem2()), t.getItem2()));
  }

  /**
   * Nothing new since the last refresh: unless the stream restarted below that point (Redis lost
   * its data and its clock is behind), in which case it is read again from its start.
   */
  private Uni<List<StreamEntry>> wentBack() {
    return streams
        .latest(Streams.SERVICE_STATUS, 1)
        .chain(
            latest -> {
              synchronized (this) {
                if (latest.isEmpty()
                    || lastId == null
                    || Streams.compareIds(latest.get(0).id(), lastId) >= 0) {
                  return Uni.createFrom().item(List.<StreamEntry>of());
                }
                lastId = null;
              }
              return streams.range(Streams.SERVICE_STATUS, "-", "+", READ);
            });
  }

  private synchronized Map<String, ServiceStatus> fold(List<StreamEntry> entries, long nowMillis) {
    for (StreamEntry entry : entries) {
      if (lastId == null || Streams.compareIds(entry.id(), lastId) > 0) {
        lastId = entry.id();
      }
      ServiceStatus s;
      try {
        s = ServiceStatus.read(EventEnvelope.decode(entry.payload()));
      } catch (RuntimeException notAReport) {
        continue;
      }
      String key = s.service() + "/" + s.instance();
      long measured = Math.max(0, s.measuredMillisAgo());
      ServiceStatus timed =
          new ServiceStatus(
              s.service(),
              s.instance(),
              Instant.ofEpochMilli(Streams.entryMillis(entry.id()) - measured),
              s.workerRunning(),
              s.counts(),
              s.outboxWaitingMillis(),
              measured);
      Seen seen = newest.get(key);
      // The most recently read report: one read before a slower one may be added after it.
      if (seen == null
          || timed.at().isAfter(seen.status().at())
          || timed.at().equals(seen.status().at())
              && Streams.compareIds(entry.id(), seen.entryId()) > 0) {
        newest.put(key, new Seen(entry.id(), timed));
      }
    }
    long forgotten = nowMillis - rememberMillis;
    newest.values().removeIf(seen -> Streams.entryMillis(seen.entryId()) < forgotten);
    Map<String, ServiceStatus> out = new HashMap<>();
    newest.forEach((key, seen) -> out.put(key, seen.status()));
    return out;
  }
}
