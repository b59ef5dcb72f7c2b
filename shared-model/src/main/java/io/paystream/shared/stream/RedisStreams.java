package io.paystream.shared.stream;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stream commands we use, on the raw Redis client so that several can be sent as one pipeline.
 * Replies are read in both RESP2 (arrays) and RESP3 (maps) shapes.
 */
public final class RedisStreams {
  private final Redis redis;

  public RedisStreams(Redis redis) {
    this.redis = redis;
  }

  public Redis redis() {
    return redis;
  }

  /** {@code XADD stream MAXLEN ~ maxLen * event payload}. */
  public static Request xadd(String stream, long maxLen, String payload) {
    return Request.cmd(Command.XADD)
        .arg(stream)
        .arg("MAXLEN")
        .arg("~")
        .arg(maxLen)
        .arg("*")
        .arg(Streams.FIELD)
        .arg(payload);
  }

  /**
   * {@code XADD stream * event payload}, uncapped: for streams whose consumers must read every
   * entry, trimmed by {@link #trimRead}.
   */
  public static Request xadd(String stream, String payload) {
    return Request.cmd(Command.XADD).arg(stream).arg("*").arg(Streams.FIELD).arg(payload);
  }

  /**
   * Trims a stream down to about {@code history} entries, removing only entries every consumer
   * group has acknowledged: those before each group's oldest pending entry and before the entry it
   * read last (for a group moved back, where it reads again from). While one of {@code readers}
   * (the groups known to read the stream) has no group, only entries older than {@code
   * keepAllMillis} (by Redis' clock) go: a reader that was down when Redis lost its data (groups
   * included) makes its group anew when it is back, and finds there everything published since, the
   * outbox's re-drive included (which goes back as far as the outbox keeps rows: pass its
   * retention). A stream without groups nor known readers keeps about {@code history} entries.
   * Redis trims whole nodes, so a little more may stay. Emits how many entries the stream holds
   * afterwards.
   */
  public Uni<Long> trimRead(String stream, long history, long keepAllMillis, List<String> readers) {
    Request req =
        Request.cmd(Command.EVAL)
            .arg(TRIM_READ)
            .arg(1)
            .arg(stream)
            .arg(Math.max(0, history))
            .arg(Math.max(0, keepAllMillis));
    readers.forEach(req::arg);
    return redis.send(req).map(Response::toLong);
  }

  /**
   * Lua functions of the scripts that read how far a stream's groups have got: {@code before(a, b)}
   * orders two entry ids; {@code groups()} lists the groups of {@code KEYS[1]} as tables of their
   * {@code XINFO GROUPS} fields; {@code floor(f)} is how far a group has handled the stream: its
   * last delivered entry (inclusive: 1), or its oldest pending one where that comes first
   * (exclusive: 0). Pending entries are those after which a group may have acknowledged some and
   * not others; a group moved back ({@code XGROUP SETID}) has delivered less than it holds pending,
   * and reads again from where it was moved back to.
   */
  private static final String GROUP_FUNCTIONS =
      " local function before(a, b)"
          + " local am, as = string.match(a, '^(%d+)-(%d+)$')"
          + " local bm, bs = string.match(b, '^(%d+)-(%d+)$')"
          + " am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)"
          + " return am < bm or (am == bm and as < bs) end"
          + " local function groups() local out = {}"
          + " for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do"
          + " local f = {} for i = 1, #g, 2 do f[g[i]] = g[i + 1] end out[#out + 1] = f end"
          + " return out end"
          + " local function floor(f) local at, incl = f['last-delivered-id'], 1"
          + " if f['pending'] > 0 then"
          + " local p = redis.call('XPENDING', KEYS[1], f['name'])[2]"
          + " if not before(at, p) then at, incl = p, 0 end end"
          + " return at, incl end";

  private static final String TRIM_READ =
      "local keep = tonumber(ARGV[1])"
          + " local excess = redis.call('XLEN', KEYS[1]) - keep"
          + " if excess <= 0 then return redis.call('XLEN', KEYS[1]) end"
          + GROUP_FUNCTIONS
          + " local safe = nil local seen = {}"
          + " for _, f in ipairs(groups()) do seen[f['name']] = true local at = floor(f)"
          + " if safe == nil or before(at, safe) then safe = at end end"
          + " for i = 3, #ARGV do if not seen[ARGV[i]] then"
          + " local now = redis.call('TIME')"
          + " local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)"
          + " - tonumber(ARGV[2])"
          + " if oldest > 0 then"
          + " redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%.0f', oldest)) end"
          + " return redis.call('XLEN', KEYS[1]) end end"
          + " if safe == nil then redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', keep)"
          + " else redis.call('XTRIM', KEYS[1], 'MINID', '~', safe, 'LIMIT', excess) end"
          + " return redis.call('XLEN', KEYS[1])";

  /**
   * How far every reader of a stream has acknowledged it, read in one script together with a
   * counter ({@code sequenceKey}, as of the same moment): {@code bound} is {@code null} when that
   * cannot be told. It cannot while the stream is missing or has no group, while one of {@code
   * readers} (the groups known to read it; none known: none can be told) has no group, or while its
   * dead-letter stream holds more than {@value #DEAD_LETTERS_SCANNED} copies.
   */
  public record Acknowledged(long sequence, Bound bound) {}

  /**
   * Every entry before {@code entryId} (and, {@code inclusive}, that entry too) was delivered to
   * every group of its stream and acknowledged, and none of them was given up on (dead-lettered).
   */
  public record Bound(String entryId, boolean inclusive) {
    /** Whether the entry {@code id} is among those. */
    public boolean covers(String id) {
      int c = Streams.compareIds(id, entryId);
      return c < 0 || (c == 0 && inclusive);
    }
  }

  /** Dead-letter copies read, at most, to find the oldest entry given up on. */
  static final int DEAD_LETTERS_SCANNED = 1_000;

  /**
   * A script, to send in a pipeline ({@link #acknowledged}): how far every group has handled the
   * stream ({@link #GROUP_FUNCTIONS}); the oldest entry a group gave up on, by the copies in {@code
   * <stream>:dead} (an acknowledgement, but not a handling: a re-drive is its next chance, and the
   * copy is lost with Redis too).
   */
  public static Request acknowledgedRequest(
      String stream, String sequenceKey, List<String> readers) {
    Request req =
        Request.cmd(Command.EVAL)
            .arg(ACKNOWLEDGED)
            .arg(3)
            .arg(stream)
            .arg(Streams.deadLetters(stream))
            .arg(sequenceKey)
            .arg(DEAD_LETTERS_SCANNED);
    readers.forEach(req::arg);
    return req;
  }

  /** The reply of {@link #acknowledgedRequest}. */
  public static Acknowledged acknowledged(Response reply) {
    long sequence = reply.get(0).toLong();
    if (reply.size() < 3) {
      return new Acknowledged(sequence, null);
    }
    return new Acknowledged(
        sequence, new Bound(reply.get(1).toString(), reply.get(2).toLong() == 1));
  }

  private static final String ACKNOWLEDGED =
      "local seq = tonumber(redis.call('GET', KEYS[3]) or '0')"
          + " if #ARGV < 2 or redis.call('EXISTS', KEYS[1]) == 0 then return {seq} end"
          + GROUP_FUNCTIONS
          + " local bound = nil local incl = 0 local seen = {}"
          + " for _, f in ipairs(groups()) do seen[f['name']] = true local at, atIncl = floor(f)"
          + " if bound == nil or before(at, bound) or (at == bound and atIncl == 0) then"
          + " bound, incl = at, atIncl end end"
          + " if bound == nil then return {seq} end"
          + " for i = 2, #ARGV do if not seen[ARGV[i]] then return {seq} end end"
          + " local dead = redis.call('XLEN', KEYS[2])"
          + " if dead > tonumber(ARGV[1]) then return {seq} end"
          + " if dead > 0 then for _, e in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do"
          + " local f = e[2] for i = 1, #f, 2 do"
          + " if f[i] == 'source_id' and (before(f[i + 1], bound) or f[i + 1] == bound) then"
          + " bound, incl = f[i + 1], 0 end end end end"
          + " return {seq, bound, incl}";

  /**
   * Commands per pipeline. A pipeline waits on one connection with a handler per command, and the
   * client refuses one longer than its waiting queue (2,048 by default), every time: a relay
   * backlog of many events, or a consumer's thousands of own pending entries, would fail for ever.
   */
  static final int MAX_PIPELINE = 1_000;

  /**
   * Sends requests in order, as pipelines of at most {@value #MAX_PIPELINE}, one after another;
   * emits their replies in the same order.
   */
  public Uni<List<Response>> batch(List<Request> requests) {
    if (requests.size() <= MAX_PIPELINE) {
      return redis.batch(requests);
    }
    return batchFrom(requests, 0, new ArrayList<>(requests.size()));
  }

  private Uni<List<Response>> batchFrom(List<Request> requests, int from, List<Response> replies) {
    int to = Math.min(requests.size(), from + MAX_PIPELINE);
    return redis
        .batch(requests.subList(from, to))
        .chain(
            part -> {
              replies.addAll(part);
              return to >= requests.size()
                  ? Uni.createFrom().item(replies)
                  : batchFrom(requests, to, replies);
            });
  }

  /** The replies of {@link #batchCounted}: the commands', and the counter after each pipeline. */
  public record Counted(List<Response> replies, List<Long> counters) {
    /**
     * Whether every pipeline's increment followed the one before it, the first coming after {@code
     * before}: the counter was not lost (nor set back) between them, nor raised by another client.
     */
    public boolean unbrokenAfter(long before) {
      long expected = counters.get(0);
      if (expected <= before) {
        return false;
      }
      for (long c : counters) {
        if (c != expected++) {
          return false;
        }
      }
      return true;
    }

    public long first() {
      return counters.get(0);
    }

    public long last() {
      return counters.get(counters.size() - 1);
    }
  }

  /**
   * Sends commands in order, as pipelines of at most {@value #MAX_PIPELINE} commands one after
   * another, each ending with {@code INCR counterKey}: Redis applies a client's commands in order,
   * so a counter that went on by one per pipeline shows that Redis kept each pipeline's writes
   * before the next (a loss in between, or a failover to a replica that was behind, sets it back).
   */
  public Uni<Counted> batchCounted(List<Request> commands, String counterKey) {
    List<Request> requests = new ArrayList<>(commands.size() + commands.size() / 999 + 1);
    List<Integer> counterAt = new ArrayList<>();
    for (int i = 0; i < commands.size() || counterAt.isEmpty(); i += MAX_PIPELINE - 1) {
      requests.addAll(commands.subList(i, Math.min(commands.size(), i + MAX_PIPELINE - 1)));
      counterAt.add(requests.size());
      requests.add(Request.cmd(Command.INCR).arg(counterKey));
    }
    return batch(requests)
        .map(
            replies -> {
              List<Response> out = new ArrayList<>(commands.size());
              List<Long> counters = new ArrayList<>(counterAt.size());
              int next = 0;
              for (int i = 0; i < replies.size(); i++) {
                if (next < counterAt.size() && counterAt.get(next) == i) {
                  counters.add(replies.get(i).toLong());
                  next++;
                } else {
                  out.add(replies.get(i));
                }
              }
              return new Counted(out, counters);
            });
  }

  /** Adds one entry. */
  public Uni<String> add(String stream, long maxLen, String payload) {
    return redis.send(xadd(stream, maxLen, payload)).map(Response::toString);
  }

  /** Creates the group from the start of the stream (creating the stream); a no-op if it exists. */
  public Uni<Void> ensureGroup(String stream, String group) {
    Request req =
        Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(group).arg("0").arg("MKSTREAM");
    return redis
        .send(req)
        .onFailure(e -> String.valueOf(e.getMessage()).startsWith("BUSYGROUP"))
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** {@code XREADGROUP}; {@code from} is {@code >} for new entries or {@code 0} for our own. */
  public Uni<List<StreamEntry>> readGroup(
      String stream, String group, String consumer, int count, long blockMillis, String from) {
    Request req = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg(consumer);
    req.arg("COUNT").arg(count);
    if (blockMillis > 0) {
      req.arg("BLOCK").arg(blockMillis);
    }
    req.arg("STREAMS").arg(stream).arg(from);
    return redis.send(req).map(reply -> entriesOfStream(reply, stream));
  }

  /** {@code XACK}. */
  public Uni<Void> ack(String stream, String group, List<String> ids) {
    if (ids.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    Request req = Request.cmd(Command.XACK).arg(stream).arg(group);
    ids.forEach(req::arg);
    return redis.send(req).replaceWithVoid();
  }

  /**
   * One page of {@code XAUTOCLAIM}: the entries now owned by {@code consumer}, and where the next
   * page starts ({@code 0-0} once the whole pending list has been scanned).
   */
  public record ClaimedPage(List<StreamEntry> entries, String next) {}

  /** {@code XAUTOCLAIM} one page from {@code start} ({@code 0-0}: the start of the list). */
  public Uni<ClaimedPage> autoClaim(
      String stream, String group, String consumer, long minIdleMillis, String start, int count) {
    Request req = Request.cmd(Command.XAUTOCLAIM).arg(stream).arg(group).arg(consumer);
    req.arg(minIdleMillis).arg(start).arg("COUNT").arg(count);
    return redis
        .send(req)
        .map(
            reply ->
                reply == null
                    ? new ClaimedPage(List.of(), "0-0")
                    : new ClaimedPage(entries(reply.get(1)), reply.get(0).toString()));
  }

  /** {@code XCLAIM … JUSTID}: resets the idle time of entries this consumer is still working on. */
  public Uni<Void> touch(String stream, String group, String consumer, List<String> ids) {
    return claimToSelf(stream, group, consumer, ids, 0);
  }

  /**
   * Hands pending entries of {@code consumer} back to its group: they stay its own but look idle
   * for {@code idleMillis}, so that another consumer's next take-over ({@code XAUTOCLAIM} with a
   * smaller minimum idle time) takes them at once. Their delivery counts are not raised.
   */
  public Uni<Void> release(
      String stream, String group, String consumer, List<String> ids, long idleMillis) {
    return claimToSelf(stream, group, consumer, ids, idleMillis);
  }

  /**
   * {@code XCLAIM … IDLE idleMillis JUSTID} of entries {@code consumer} already holds: sets their
   * idle time, leaves their delivery counts alone.
   */
  private Uni<Void> claimToSelf(
      String stream, String group, String consumer, List<String> ids, long idleMillis) {
    if (ids.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    Request req = Request.cmd(Command.XCLAIM).arg(stream).arg(group).arg(consumer).arg(0);
    ids.forEach(req::arg);
    req.arg("IDLE").arg(idleMillis).arg("JUSTID");
    return redis.send(req).replaceWithVoid();
  }

  /**
   * Delivery counts of the given entries that are pending in the group, by entry id (an entry
   * acknowledged meanwhile has none). One {@code XPENDING} of exactly each id, in pipelines: a
   * range from the first id to the last would also hold every other pending entry between them (the
   * group's other consumers' work), and be cut off before the last of these.
   */
  public Uni<Map<String, Long>> deliveryCounts(String stream, String group, List<String> ids) {
    if (ids.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    List<Request> requests = new ArrayList<>(ids.size());
    for (String id : ids) {
      requests.add(Request.cmd(Command.XPENDING).arg(stream).arg(group).arg(id).arg(id).arg(1));
    }
    return batch(requests)
        .map(
            replies -> {
              Map<String, Long> counts = new HashMap<>();
              for (Response reply : replies) {
                if (reply != null) {
                  for (Response row : reply) {
                    counts.put(row.get(0).toString(), row.get(3).toLong());
                  }
                }
              }
              return counts;
            });
  }

  /**
   * A consumer group as {@code XINFO GROUPS} shows it.
   *
   * @param lastDeliveredId the last entry delivered to the group
   * @param pending entries delivered and not yet acknowledged
   * @param lag entries not yet delivered, as Redis counts them; {@code null} when it cannot tell.
   *     Redis reloading a rewritten append-only file can leave it too high for good (see {@link
   *     #repairEntriesRead}): to tell whether entries wait, compare {@code lastDeliveredId} with
   *     the stream's last entry
   */
  public record GroupInfo(String lastDeliveredId, long pending, Long lag) {
    /** Whether every entry up to {@code entryId} was delivered to the group and acknowledged. */
    public boolean handled(String entryId) {
      return pending == 0 && Streams.compareIds(lastDeliveredId, entryId) >= 0;
    }
  }

  /** A group of a stream; {@code null} when there is no such stream or group. */
  public Uni<GroupInfo> group(String stream, String group) {
    return groups(stream).map(all -> all.get(group));
  }

  /** Every group of a stream, by name ({@code XINFO GROUPS}); none when there is no such stream. */
  public Uni<Map<String, GroupInfo>> groups(String stream) {
    return redis
        .send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream))
        .onFailure(e -> String.valueOf(e.getMessage()).startsWith("ERR no such key"))
        .recoverWithNull()
        .map(
            reply -> {
              Map<String, GroupInfo> groups = new LinkedHashMap<>();
              if (reply != null) {
                for (Response g : reply) {
                  String lag = field(g, "lag");
                  groups.put(
                      field(g, "name"),
                      new GroupInfo(
                          field(g, "last-delivered-id"),
                          Long.parseLong(field(g, "pending")),
                          lag == null ? null : Long.valueOf(lag)));
                }
              }
              return groups;
            });
  }

  /** One entry of a stream, if it is there ({@code XRANGE stream id id}). */
  public static Request entry(String stream, String entryId) {
    return Request.cmd(Command.XRANGE).arg(stream).arg(entryId).arg(entryId);
  }

  /** Whether an entry is delivered to a group and not yet acknowledged ({@code XPENDING}). */
  public static Request pendingEntry(String stream, String group, String entryId) {
    return Request.cmd(Command.XPENDING).arg(stream).arg(group).arg(entryId).arg(entryId).arg(1);
  }

  /** A consumer of a group: its name, its pending entries and how long it has been silent. */
  public record GroupConsumer(String name, long pending, long idleMillis) {}

  /** The consumers of a group ({@code XINFO CONSUMERS}). */
  public Uni<List<GroupConsumer>> consumers(String stream, String group) {
    Request req = Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream).arg(group);
    return redis
        .send(req)
        .map(
            reply -> {
              List<GroupConsumer> out = new ArrayList<>();
              if (reply != null) {
                for (Response c : reply) {
                  out.add(
                      new GroupConsumer(
                          value(c, "name").toString(),
                          value(c, "pending").toLong(),
                          value(c, "idle").toLong()));
                }
              }
              return out;
            });
  }

  /**
   * Removes a consumer from a group ({@code XGROUP DELCONSUMER}) if, at that moment, it has no
   * pending entries (they would be forgotten with it) and has been silent at least {@code
   * minIdleMillis}: checked and done in one script, so a consumer that reads meanwhile is kept.
   * Emits whether it was removed.
   */
  public Uni<Boolean> deleteConsumerIfIdle(
      String stream, String group, String consumer, long minIdleMillis) {
    Request req =
        Request.cmd(Command.EVAL)
            .arg(DELETE_IF_IDLE)
            .arg(1)
            .arg(stream)
            .arg(group)
            .arg(consumer)
            .arg(minIdleMillis);
    return redis.send(req).map(r -> r != null && r.toLong() >= 0);
  }

  private static final String DELETE_IF_IDLE =
      "for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do"
          + " local f = {} for i = 1, #c, 2 do f[c[i]] = c[i + 1] end"
          + " if f['name'] == ARGV[2] then"
          + " if f['pending'] == 0 and f['idle'] >= tonumber(ARGV[3]) then"
          + " return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2]) end"
          + " return -1 end end return -1";

  /**
   * Sets a group's count of entries read right when the group has had every entry of the stream
   * delivered and yet counts fewer or more: Redis reloading a rewritten append-only file can leave
   * that count behind, and the group's {@code lag} (which metrics and autoscalers read) then stays
   * above zero for good. Checked and done in one script. Emits whether it was set.
   */
  public Uni<Boolean> repairEntriesRead(String stream, String group) {
    Request req = Request.cmd(Command.EVAL).arg(REPAIR_ENTRIES_READ).arg(1).arg(stream).arg(group);
    return redis.send(req).map(r -> r != null && r.toLong() == 1);
  }

  private static final String REPAIR_ENTRIES_READ =
      "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end"
          + " local s = {} local info = redis.call('XINFO', 'STREAM', KEYS[1])"
          + " for i = 1, #info, 2 do s[info[i]] = info[i + 1] end"
          + " if not s['entries-added'] then return 0 end"
          + " for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do"
          + " local f = {} for i = 1, #g, 2 do f[g[i]] = g[i + 1] end"
          + " if f['name'] == ARGV[1] then"
          + " if f['last-delivered-id'] == s['last-generated-id']"
          + " and f['entries-read'] ~= s['entries-added'] then"
          + " redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], f['last-delivered-id'],"
          + " 'ENTRIESREAD', s['entries-added']) return 1 end"
          + " return 0 end end return 0";

  /**
   * Redis' clock now, in milliseconds ({@code TIME}): the clock that times stream entries (their
   * ids), where this instance's own may be ahead or behind.
   */
  public Uni<Long> serverMillis() {
    return redis
        .send(Request.cmd(Command.TIME))
        .map(reply -> reply.get(0).toLong() * 1000 + reply.get(1).toLong() / 1000);
  }

  /** The newest {@code count} entries of a stream, newest first ({@code XREVRANGE}). */
  public Uni<List<StreamEntry>> latest(String stream, int count) {
    return redis.send(newestFirst(stream, count)).map(RedisStreams::entries);
  }

  private static Request newestFirst(String stream, int count) {
    return Request.cmd(Command.XREVRANGE).arg(stream).arg("+").arg("-").arg("COUNT").arg(count);
  }

  /** The last entry of a stream ({@code XREVRANGE stream + - COUNT 1}); see {@link #latestId}. */
  public static Request latestRequest(String stream) {
    return newestFirst(stream, 1);
  }

  /** The id of the entry in a reply to {@link #latestRequest}; {@code null} for an empty stream. */
  public static String latestId(Response reply) {
    List<StreamEntry> entries = entries(reply);
    return entries.isEmpty() ? null : entries.get(0).id();
  }

  /**
   * At most {@code count} entries between two ids, oldest first ({@code XRANGE}): inclusive, or
   * exclusive where an id starts with {@code (}.
   */
  public Uni<List<StreamEntry>> range(String stream, String firstId, String lastId, int count) {
    Request req =
        Request.cmd(Command.XRANGE).arg(stream).arg(firstId).arg(lastId).arg("COUNT").arg(count);
    return redis.send(req).map(RedisStreams::entries);
  }

  /**
   * Moves an entry to the dead-letter stream, then acknowledges it: only once the copy is written,
   * since Redis runs the commands of a pipeline each on its own (out of memory, it would refuse the
   * copy and still take the acknowledgement, and the entry would be gone).
   */
  public Uni<Void> deadLetter(
      String stream, String group, StreamEntry entry, String reason, long maxLen) {
    Request add =
        Request.cmd(Command.XADD)
            .arg(Streams.deadLetters(stream))
            .arg("MAXLEN")
            .arg("~")
            .arg(maxLen)
            .arg("*")
            .arg(Streams.FIELD)
            .arg(entry.payload() == null ? "" : entry.payload())
            .arg("source_id")
            .arg(entry.id())
            .arg("group")
            .arg(group)
            .arg("reason")
            .arg(reason);
    Request ack = Request.cmd(Command.XACK).arg(stream).arg(group).arg(entry.id());
    return redis.send(add).chain(() -> redis.send(ack)).replaceWithVoid();
  }

  /** The entries of one stream in an {@code XREAD}/{@code XREADGROUP} reply (RESP2 or RESP3). */
  static List<StreamEntry> entriesOfStream(Response reply, String stream) {
    if (reply == null) {
      return List.of();
    }
    if (isMap(reply)) {
      Response entries = reply.get(stream);
      return entries == null ? List.of() : entries(entries);
    }
    for (Response s : reply) {
      if (stream.equals(s.get(0).toString())) {
        return entries(s.get(1));
      }
    }
    return List.of();
  }

  /** Entries {@code [[id, [field, value, …]], …]}; deleted entries (null fields) are skipped. */
  static List<StreamEntry> entries(Response list) {
    if (list == null) {
      return List.of();
    }
    List<StreamEntry> out = new ArrayList<>(list.size());
    for (Response e : list) {
      if (e == null || e.size() < 2 || e.get(1) == null) {
        continue;
      }
      out.add(new StreamEntry(e.get(0).toString(), field(e.get(1), Streams.FIELD)));
    }
    return out;
  }

  private static String field(Response fields, String name) {
    Response v = value(fields, name);
    return v == null ? null : v.toString();
  }

  /** The value under {@code name} of a map reply, or of a flat name/value list (RESP2). */
  static Response value(Response fields, String name) {
    if (isMap(fields)) {
      return fields.get(name);
    }
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (name.equals(fields.get(i).toString())) {
        return fields.get(i + 1);
      }
    }
    return null;
  }

  private static boolean isMap(Response r) {
    try {
      return !r.getKeys().isEmpty();
    } catch (UnsupportedOperationException | IllegalStateException e) {
      return false;
    }
  }
}
