package io.paystream.shared.stream;

import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.time.Chores;
import io.paystream.shared.time.Monotonic;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A consumer-group loop on one stream that never blocks a thread.
 *
 * <ul>
 *   <li>Reads new entries with {@code XREADGROUP … BLOCK}, at most {@code maxInFlight} at a time,
 *       and hands each to the handler; an entry is acknowledged only after the handler's Uni
 *       completes, i.e. after the handler's own commit.
 *   <li>Infrastructure failures (a database down) are retried in place with back-off, without
 *       limit. Other failures leave the entry pending: the claim round takes it back with {@code
 *       XAUTOCLAIM} after {@code claimMinIdle}, and after {@code maxDeliveries} deliveries it goes
 *       to the dead-letter stream instead of blocking the group. An entry that is not an envelope
 *       goes there at once.
 *   <li>Entries left pending by a dead consumer are taken over the same way; entries this consumer
 *       is still working on are kept fresh ({@code XCLAIM … JUSTID}) so no one else takes them. A
 *       consumer that starts again under its name reads its own pending entries first, with the
 *       same limit: an entry that kills the instance handling it is dead-lettered after {@code
 *       maxDeliveries} restarts instead of taking it down for ever.
 *   <li>When the group vanishes (Redis restarted without data, or flushed) it is created again from
 *       the start of the stream; the producers re-drive what was lost.
 *   <li>Consumers of replicas that are gone (silent for {@code forgetIdle}, nothing pending: their
 *       entries were taken over) are removed from the group, so that a group scaled up and down, or
 *       rolled out, many times does not keep a consumer per pod that ever ran.
 *   <li>Every 5 s, on a timer and never on a metrics scrape, the group's {@code lag} and {@code
 *       pending} are read ({@code XINFO GROUPS}) and kept for {@link #groupLag()} and {@link
 *       #groupPending()}.
 * </ul>
 *
 * Handlers must be idempotent by event id: an entry may be handled more than once.
 */
public final class StreamConsumer {
  private static final Logger LOG = Logger.getLogger(StreamConsumer.class);
  private static final long FORGET_CHECK_MILLIS = 5 * 60_000;
  private static final Duration STOP_WAIT = Duration.ofSeconds(3);
  private static final long BACKLOG_READ_MILLIS = 5_000;

  /** The group's figures on the stream, as last read. */
  private record Backlog(double lag, double pending) {}

  private static final Backlog UNKNOWN = new Backlog(Double.NaN, Double.NaN);
  private static final Backlog NONE = new Backlog(0, 0);

  /** Handles one event; the returned Uni completes once the handler's effects are committed. */
  @FunctionalInterface
  public interface Handler {
    Uni<Void> handle(EventEnvelope event);
  }

  private final Vertx vertx;
  private final RedisStreams streams;
  private final ConsumerOptions options;
  private final Handler handler;

  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean polling = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Set<String> inFlightIds = ConcurrentHashMap.newKeySet();
  private final Queue<String> acks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean ackScheduled = new AtomicBoolean();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private volatile long lastPollAt;
  private volatile long lastStepAt = Monotonic.millis();
  private volatile long claimTimer = -1;
  private volatile long nextForgetAt = Long.MIN_VALUE;
  private volatile int readFailures;
  private final Chores backlogReads;
  private volatile Backlog backlog = UNKNOWN;

  public StreamConsumer(
      Vertx vertx, RedisStreams streams, ConsumerOptions options, Handler handler) {
    this.vertx = vertx;
    this.streams = streams;
    this.options = options;
    this.handler = handler;
    this.backlogReads = new Chores(vertx);
  }

  /** Starts reading: first this consumer's own pending entries, then new ones. */
  public void start() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    lastPollAt = Monotonic.millis();
    lastStepAt = lastPollAt;
    claimTimer = vertx.setPeriodic(options.claimIntervalMillis(), id -> claimRound());
    backlogReads.every(BACKLOG_READ_MILLIS, name() + " backlog", this::readBacklog);
    readBacklog().subscribe().with(done -> {}, e -> {});
    readOwnPendingThenPoll();
  }

  /**
   * Stops reading at once. The returned Uni hands the entries still in flight back to the group, so
   * that another consumer takes them over at its next claim round instead of after {@code
   * claimMinIdle} (their handlers may still finish here too: handlers are idempotent); it never
   * fails.
   */
  public Uni<Void> stop() {
    running.set(false);
    if (claimTimer >= 0) {
      vertx.cancelTimer(claimTimer);
    }
    backlogReads.cancel();
    List<String> held = new ArrayList<>(inFlightIds);
    return streams
        .release(
            options.stream(),
            options.group(),
            options.consumer(),
            held,
            options.claimMinIdleMillis() + options.claimIntervalMillis())
        .invoke(
            () -> {
              if (!held.isEmpty()) {
                LOG.infof("%s: handed %d entries in flight back to the group", name(), held.size());
              }
            })
        .onFailure()
        .recoverWithUni(
            err -> {
              LOG.warnf(
                  "%s: could not hand %d entries back (they are taken over after %d ms): %s",
                  name(), held.size(), options.claimMinIdleMillis(), err.getMessage());
              return Uni.createFrom().voidItem();
            });
  }

  /**
   * Stops every consumer of {@code consumers} and waits, at most 3 s, until their entries in flight
   * are handed back (for shutdown, on a thread that may block).
   */
  public static void stopAll(List<StreamConsumer> consumers) {
    List<Uni<Void>> stops = consumers.stream().map(StreamConsumer::stop).toList();
    try {
      Uni.join().all(stops).andCollectFailures().replaceWithVoid().await().atMost(STOP_WAIT);
    } catch (RuntimeException e) {
      LOG.warnf(
          "stopping consumers: entries in flight may wait to be taken over: %s", e.getMessage());
    }
  }

  /** Whether the read loop has returned from Redis recently. */
  public boolean isHealthy() {
    return running.get()
        && Monotonic.millis() - lastPollAt
            < options.blockMillis() + options.claimIntervalMillis() + 5_000;
  }

  public boolean isRunning() {
    return running.get();
  }

  /**
   * How long ago the loop last finished a step: a read returned (with entries or none, or failed),
   * or a handler ended (either way). A running loop steps at least every {@code blockMillis} while
   * it has room, and as its handlers end when it has none; one that has not stepped for minutes has
   * wedged (handlers that never end, a read that never returns), and only a restart frees what it
   * holds. 0 when stopped.
   */
  public long millisSinceLastStep() {
    return running.get() ? Monotonic.millis() - lastStepAt : 0;
  }

  /**
   * How long ago a read of the stream last returned (with entries or none): at most about {@code
   * blockMillis} while Redis answers and the loop has room. {@link Long#MAX_VALUE} when stopped.
   */
  public long millisSinceLastRead() {
    return running.get() ? Monotonic.millis() - lastPollAt : Long.MAX_VALUE;
  }

  /** Entries being handled right now. */
  public int inFlight() {
    return inFlight.get();
  }

  public long handledCount() {
    return handled.get();
  }

  public long failedCount() {
    return failed.get();
  }

  public long deadLetteredCount() {
    return deadLettered.get();
  }

  public ConsumerOptions options() {
    return options;
  }

  /**
   * Entries of the stream the group (every instance of the service) has not read yet, as Redis
   * counted them at the last read (at most about 5 s ago): 0 when there is no stream yet or Redis
   * cannot tell, NaN when the last read failed or found no group (unknown, not 0).
   */
  public double groupLag() {
    return backlog.lag();
  }

  /**
   * Entries the group (every instance of the service) has read and not acknowledged yet, as of the
   * last read; NaN when unknown, as {@link #groupLag()}.
   */
  public double groupPending() {
    return backlog.pending();
  }

  /** Reads the group's lag and pending count again ({@code XINFO GROUPS}); never fails. */
  Uni<Void> readBacklog() {
    return streams
        .groups(options.stream())
        .map(
            groups -> {
              if (groups.isEmpty()) {
                return NONE; // no stream yet: nothing to read
              }
              RedisStreams.GroupInfo g = groups.get(options.group());
              if (g == null) {
                return UNKNOWN; // created again, from the start, by the next read
              }
              return new Backlog(g.lag() == null ? 0 : g.lag(), g.pending());
            })
        .onFailure()
        .recoverWithItem(UNKNOWN)
        .invoke(b -> backlog = b)
        .replaceWithVoid();
  }

  private void readOwnPendingThenPoll() {
    if (!running.get()) {
      return;
    }
    streams
        .ensureGroup(options.stream(), options.group())
        .chain(
            () ->
                streams.readGroup(
                    options.stream(),
                    options.group(),
                    options.consumer(),
                    options.maxInFlight(),
                    0,
                    "0"))
        // Delivered before, as a claimed entry is: one that keeps this instance from ever
        // finishing it (it dies handling it) goes to the dead letters, not round again.
        .chain(this::dispatchDeliveredBefore)
        .subscribe()
        .with(
            ok -> poll(),
            err -> {
              // A try that failed is a step too: a loop retrying while Redis is out of reach
              // has not wedged, and restarting the instance would not bring Redis back.
              lastStepAt = Monotonic.millis();
              LOG.warnf("%s: cannot read own pending entries yet: %s", name(), err.getMessage());
              vertx.setTimer(backoff(++readFailures), id -> readOwnPendingThenPoll());
            });
  }

  private void poll() {
    if (!running.get() || !polling.compareAndSet(false, true)) {
      return;
    }
    int room = options.maxInFlight() - inFlight.get();
    if (room <= 0) {
      polling.set(false); // resumed when an entry completes
      return;
    }
    streams
        .readGroup(
            options.stream(),
            options.group(),
            options.consumer(),
            Math.min(options.batchSize(), room),
            options.blockMillis(),
            ">")
        .subscribe()
        .with(
            entries -> {
              lastPollAt = Monotonic.millis();
              lastStepAt = lastPollAt;
              readFailures = 0;
              polling.set(false);
              entries.forEach(this::dispatch);
              poll();
            },
            err -> {
              lastStepAt = Monotonic.millis();
              polling.set(false);
              if (!running.get()) {
                return; // stopping: the connection closing under us is expected
              }
              if (String.valueOf(err.getMessage()).startsWith("NOGROUP")) {
                LOG.warnf("%s: consumer group is gone (Redis lost its data); recreating", name());
                streams
                    .ensureGroup(options.stream(), options.group())
                    .subscribe()
                    .with(ok -> poll(), e -> retryPoll(e));
              } else {
                retryPoll(err);
              }
            });
  }

  private void retryPoll(Throwable err) {
    int failures = ++readFailures;
    if (failures == 1 || failures % 20 == 0) {
      LOG.warnf("%s: read failed (%d in a row): %s", name(), failures, err.getMessage());
    }
    vertx.setTimer(backoff(failures), id -> poll());
  }

  private void dispatch(StreamEntry entry) {
    if (!inFlightIds.add(entry.id())) {
      return; // already working on it
    }
    inFlight.incrementAndGet();
    EventEnvelope event;
    try {
      event = EventEnvelope.decode(entry.payload());
    } catch (EventEnvelope.UnknownTypeException e) {
      // Written by a newer release (a rolling upgrade under way): left pending, so that a replica
      // that knows the type takes it over; dead-lettered, like any entry that keeps failing, once
      // delivered too often.
      failed.incrementAndGet();
      LOG.warnf(
          "%s: entry %s is %s; left pending for a newer replica",
          name(), entry.id(), e.getMessage());
      done(entry);
      return;
    } catch (RuntimeException e) {
      LOG.errorf("%s: entry %s is not an event envelope; dead-lettering it", name(), entry.id());
      deadLetter(entry, "undecodable");
      return;
    }
    run(entry, event, 0);
  }

  private void run(StreamEntry entry, EventEnvelope event, int attempt) {
    Uni<Void> work;
    try {
      work = handler.handle(event);
    } catch (RuntimeException e) {
      work = Uni.createFrom().failure(e);
    }
    work.subscribe()
        .with(
            ok -> {
              lastStepAt = Monotonic.millis();
              handled.incrementAndGet();
              ack(entry.id());
              done(entry);
            },
            err -> {
              lastStepAt = Monotonic.millis();
              if (Failures.isTransient(err) && running.get()) {
                if (attempt == 0 || attempt % 20 == 0) {
                  LOG.warnf(
                      "%s: %s %s (request %s) waits for infrastructure: %s",
                      name(), event.type(), event.id(), event.requestId(), err.getMessage());
                }
                vertx.setTimer(backoff(attempt + 1), id -> run(entry, event, attempt + 1));
              } else if (!running.get()) {
                // Stopping: the pools closing under a handler is expected. The entry stays
                // pending, handed back to the group (see stop()).
                LOG.debugf(
                    "%s: %s %s left pending while stopping: %s",
                    name(), event.type(), event.id(), err.getMessage());
                done(entry);
              } else {
                failed.incrementAndGet();
                LOG.errorf(
                    err,
                    "%s: handling %s %s (request %s) failed",
                    name(),
                    event.type(),
                    event.id(),
                    event.requestId());
                done(entry); // stays pending; the claim round retries it, then dead-letters it
              }
            });
  }

  private void done(StreamEntry entry) {
    inFlightIds.remove(entry.id());
    inFlight.decrementAndGet();
    poll();
  }

  private void ack(String id) {
    acks.add(id);
    if (ackScheduled.compareAndSet(false, true)) {
      vertx.setTimer(2, t -> flushAcks());
    }
  }

  private void flushAcks() {
    ackScheduled.set(false);
    List<String> ids = new ArrayList<>();
    for (String id; (id = acks.poll()) != null; ) {
      ids.add(id);
    }
    streams
        .ack(options.stream(), options.group(), ids)
        .subscribe()
        .with(
            ok -> {},
            err ->
                LOG.warnf(
                    "%s: %d acknowledgements lost (entries will be handled again): %s",
                    name(), ids.size(), err.getMessage()));
  }

  private void claimRound() {
    if (!running.get()) {
      return;
    }
    List<String> mine = new ArrayList<>(inFlightIds);
    streams
        .touch(options.stream(), options.group(), options.consumer(), mine)
        .chain(() -> claimFrom("0-0"))
        .chain(this::forgetDeparted)
        .chain(() -> streams.repairEntriesRead(options.stream(), options.group()))
        .subscribe()
        .with(ok -> {}, err -> LOG.debugf("%s: claim round failed: %s", name(), err.getMessage()));
  }

  /**
   * Takes over idle entries page by page from {@code start}, while there is room in flight: a dead
   * instance's whole backlog is taken in one round, not one page per round.
   */
  private Uni<Void> claimFrom(String start) {
    int room = Math.min(options.batchSize(), options.maxInFlight() - inFlight.get());
    if (!running.get() || room <= 0) {
      return Uni.createFrom().voidItem();
    }
    return streams
        .autoClaim(
            options.stream(),
            options.group(),
            options.consumer(),
            options.claimMinIdleMillis(),
            start,
            room)
        .call(page -> dispatchDeliveredBefore(page.entries()))
        .chain(
            page ->
                "0-0".equals(page.next()) ? Uni.createFrom().voidItem() : claimFrom(page.next()));
  }

  /**
   * Now and then (every {@code forgetIdle}, at most every 5 minutes): removes the group's other
   * consumers that have been silent for {@code forgetIdle} with nothing pending.
   */
  private Uni<Void> forgetDeparted() {
    long now = Monotonic.millis();
    if (now < nextForgetAt) {
      return Uni.createFrom().voidItem();
    }
    nextForgetAt = now + Math.min(options.forgetIdleMillis(), FORGET_CHECK_MILLIS);
    return streams
        .consumers(options.stream(), options.group())
        .chain(
            all -> {
              List<Uni<Boolean>> removals = new ArrayList<>();
              for (RedisStreams.GroupConsumer c : all) {
                if (!c.name().equals(options.consumer())
                    && c.pending() == 0
                    && c.idleMillis() >= options.forgetIdleMillis()) {
                  removals.add(
                      streams.deleteConsumerIfIdle(
                          options.stream(), options.group(), c.name(), options.forgetIdleMillis()));
                }
              }
              if (removals.isEmpty()) {
                return Uni.createFrom().voidItem();
              }
              return Uni.join()
                  .all(removals)
                  .andFailFast()
                  .invoke(
                      removed -> {
                        long n = removed.stream().filter(Boolean::booleanValue).count();
                        if (n > 0) {
                          LOG.infof("%s: removed %d departed consumers from the group", name(), n);
                        }
                      })
                  .replaceWithVoid();
            });
  }

  /**
   * Dispatches entries delivered before (claimed from another consumer, or this consumer's own
   * after a restart), each unless it has been delivered more than {@code maxDeliveries} times: that
   * one goes to the dead letters.
   */
  private Uni<Void> dispatchDeliveredBefore(List<StreamEntry> entries) {
    List<StreamEntry> fresh = new ArrayList<>();
    for (StreamEntry e : entries) {
      if (!inFlightIds.contains(e.id())) {
        fresh.add(e);
      }
    }
    if (fresh.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return streams
        .deliveryCounts(
            options.stream(), options.group(), fresh.stream().map(StreamEntry::id).toList())
        .invoke(
            counts -> {
              for (StreamEntry e : fresh) {
                Long deliveries = counts.get(e.id());
                if (deliveries == null) {
                  // Acknowledged since it was read (its slow consumer finished it): nothing to do.
                  LOG.debugf("%s: entry %s was acknowledged meanwhile", name(), e.id());
                } else if (deliveries > options.maxDeliveries()) {
                  LOG.errorf(
                      "%s: entry %s failed %d times; dead-lettering it",
                      name(), e.id(), deliveries);
                  inFlightIds.add(e.id());
                  inFlight.incrementAndGet();
                  deadLetter(e, "too many deliveries");
                } else {
                  LOG.infof("%s: took over pending entry %s", name(), e.id());
                  dispatch(e);
                }
              }
            })
        .replaceWithVoid();
  }

  private void deadLetter(StreamEntry entry, String reason) {
    streams
        .deadLetter(options.stream(), options.group(), entry, reason, options.deadLetterMaxLen())
        .subscribe()
        .with(
            ok -> {
              deadLettered.incrementAndGet();
              done(entry);
            },
            err -> {
              LOG.warnf("%s: dead-lettering %s failed: %s", name(), entry.id(), err.getMessage());
              done(entry);
            });
  }

  private String name() {
    return options.group() + "@" + options.stream();
  }

  private static long backoff(int attempt) {
    return Math.min(5_000L, 100L << Math.min(attempt, 6));
  }
}
