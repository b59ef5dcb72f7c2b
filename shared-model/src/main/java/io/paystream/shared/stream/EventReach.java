package io.paystream.shared.stream;

import io.paystream.shared.event.EventEnvelope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Waits, holding no thread, until every consumer group of a stream has handled one event: the entry
 * that carries it was delivered to the group and acknowledged, which consumers do after their own
 * commit. A writer uses it where its answer must not run ahead of the services that read the event,
 * so that what it announces is in force everywhere once it answers.
 *
 * <pre>{@code
 * reach.await(Streams.MERCHANT_EVENTS, eventId, Duration.ofSeconds(2))
 *     .map(everywhere -> response);
 * }</pre>
 *
 * <p>Every {@value #POLL_MILLIS} ms it reads the stream's groups ({@code XINFO GROUPS}); until the
 * event's entry is found, the stream's newest {@value #SEARCH_DEPTH} entries; then whether the
 * entry is still pending in each group that has read past it ({@code XPENDING}), and whether the
 * entry is still there (a stream made anew after Redis lost its data is searched again). A stream
 * without groups has no reader to wait for, unless it had some earlier in the same wait. The wait
 * is bounded: a reader that is down, or Redis itself, never holds the writer's answer longer than
 * the limit; the event still reaches the reader from the stream (or the writer's outbox) when it
 * returns.
 */
public final class EventReach {
  private static final Logger LOG = Logger.getLogger(EventReach.class);

  /** Time between two looks. */
  static final long POLL_MILLIS = 10;

  /** How many of the stream's newest entries are searched for the event. */
  static final int SEARCH_DEPTH = 100;

  private final Vertx vertx;
  private final RedisStreams streams;

  public EventReach(Vertx vertx, RedisStreams streams) {
    this.vertx = vertx;
    this.streams = streams;
  }

  /**
   * Emits {@code true} once every group of {@code stream} has handled the event {@code eventId}, or
   * {@code false} when {@code limit} passed first (at once for a limit of zero: no wait). Never
   * fails.
   */
  public Uni<Boolean> await(String stream, String eventId, Duration limit) {
    if (limit.isZero() || limit.isNegative()) {
      return Uni.createFrom().item(false);
    }
    long deadline = System.nanoTime() + limit.toNanos();
    Search search = new Search(stream, eventId);
    // A look that Redis leaves unanswered (paused, or a connection being re-made) ends at the
    // limit.
    return Uni.createFrom()
        .<Boolean>emitter(
            done -> {
              done.onTermination(() -> search.over = true); // answered, or given up at the limit
              look(search, deadline, done);
            })
        .ifNoItem()
        .after(limit)
        .recoverWithItem(false);
  }

  /** One look; the next is set on a timer, so a long wait builds no chain of callbacks. */
  private void look(Search search, long deadline, UniEmitter<? super Boolean> done) {
    if (search.over) {
      return;
    }
    handledByAll(search)
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.debugf("%s: could not look for event %s: %s", search.stream, search.eventId, e);
              return false;
            })
        .subscribe()
        .with(
            handled -> {
              long left = deadline - System.nanoTime();
              if (handled) {
                done.complete(true);
              } else if (left <= 0) {
                LOG.infof(
                    "%s: event %s not yet handled by every reader; answering anyway",
                    search.stream, search.eventId);
                done.complete(false);
              } else {
                long pause =
                    Math.max(1, Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left)));
                vertx.setTimer(pause, id -> look(search, deadline, done));
              }
            });
  }

  private Uni<Boolean> handledByAll(Search search) {
    return streams
        .groups(search.stream)
        .chain(
            groups -> {
              if (groups.isEmpty()) {
                // Nobody reads the stream; unless readers were seen during this wait, and the
                // stream is gone with its groups (Redis lost its data): they will be back.
                return Uni.createFrom().item(!search.sawReaders);
              }
              search.sawReaders = true;
              return locate(search)
                  .chain(entryId -> entryId == null ? no() : acknowledged(search, groups, entryId));
            });
  }

  /** The event's entry id, once it is in the stream. */
  private Uni<String> locate(Search search) {
    if (search.entryId != null) {
      return Uni.createFrom().item(search.entryId);
    }
    return streams
        .latest(search.stream, SEARCH_DEPTH)
        .map(
            entries -> {
              for (StreamEntry entry : entries) {
                if (EventEnvelope.hasId(entry.payload(), search.eventId)) {
                  search.entryId = entry.id();
                  break;
                }
              }
              return search.entryId;
            });
  }

  /**
   * Whether every group has read past the entry and none holds it pending. The entry itself is read
   * too: gone, the stream was made anew (Redis lost its data, and the writer's outbox publishes the
   * event again under another entry id), and the event is looked for again.
   */
  private Uni<Boolean> acknowledged(
      Search search, Map<String, RedisStreams.GroupInfo> groups, String entryId) {
    List<Request> requests = new ArrayList<>(groups.size() + 1);
    requests.add(RedisStreams.entry(search.stream, entryId));
    for (Map.Entry<String, RedisStreams.GroupInfo> g : groups.entrySet()) {
      if (Streams.compareIds(g.getValue().lastDeliveredId(), entryId) < 0) {
        return no(); // not yet delivered to this group
      }
      requests.add(RedisStreams.pendingEntry(search.stream, g.getKey(), entryId));
    }
    return streams
        .batch(requests)
        .map(
            replies -> {
              Response entry = replies.get(0);
              if (entry == null || entry.size() == 0) {
                search.entryId = null;
                return false;
              }
              return replies.stream().skip(1).allMatch(r -> r == null || r.size() == 0);
            });
  }

  private static Uni<Boolean> no() {
    return Uni.createFrom().item(false);
  }

  /** One wait's state: where it looks, for what, and the entry once found. */
  private static final class Search {
    final String stream;
    final String eventId;
    volatile String entryId;
    volatile boolean over;
    volatile boolean sawReaders;

    Search(String stream, String eventId) {
      this.stream = stream;
      this.eventId = eventId;
    }
  }
}
