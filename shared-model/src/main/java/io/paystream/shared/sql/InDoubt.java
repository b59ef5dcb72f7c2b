package io.paystream.shared.sql;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.stream.Failures;
import io.paystream.shared.time.Delays;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A creation (or a change) whose answer was lost with its connection (a failover, a proxy
 * restarting, a reset): PostgreSQL may have committed it. What it made is looked for before the
 * client is answered, so that a 503, which tells the client nothing was done, is never sent for
 * something that exists (and, sent again without a key, would be made twice: a second refund, a
 * second endpoint that gets every event again).
 *
 * <pre>{@code
 * return repository.create(refund, …)
 *     .plug(InDoubt.lookedUp(vertx, Subject.creation("refund", refund.id(), "/api/v1/refunds/"),
 *         () -> repository.exists(refund.id(), …), true))
 *     .map(ignored -> created(refund));
 *
 * // in the repository: waits for the creation's lock, then reads
 * return InDoubt.lockingLook(pool, conn -> conn.preparedQuery("SELECT 1 … FOR SHARE")…);
 * }</pre>
 */
public final class InDoubt {
  private static final Logger LOG = Logger.getLogger(InDoubt.class);

  /**
   * Pauses before each look: three looks within about 2 s, each on a connection of its own from the
   * pool. The first pause gives a statement still on its way to PostgreSQL the time to get there
   * and take its locks first; a look that finds nothing is made again after the next pause, so that
   * "not made" is answered only after the last, about 1.6 s after the loss: a creation still on its
   * way, waiting for another's lock (a batch of payments on an earlier order of its batch), or
   * committed but not yet seen (a commit waiting for a synchronous standby) is found then.
   */
  static final long[] LOOK_PAUSES_MILLIS = {100, 500, 1_000};

  /**
   * How long a look waits for the lock its creation holds until it commits or aborts, so that it
   * reads only once a creation PostgreSQL may still be running has ended.
   */
  public static final long LOCK_WAIT_MILLIS = 500;

  private InDoubt() {}

  /**
   * What a request may have done, for the answer that tells the client how to find out: {@code
   * name} ("refund rfnd_…") may have been {@code outcome} ("created"); {@code howToTell} says how
   * ("Look it up with GET /api/v1/refunds/rfnd_… (404 if it was not)").
   */
  public record Subject(String name, String outcome, String howToTell) {
    /** A creation of a {@code kind} with this {@code id}, found at {@code collection + id}. */
    public static Subject creation(String kind, String id, String collection) {
      return new Subject(kind + " " + id, "created", lookUp(collection + id, "404 if it was not"));
    }

    /** "Look it up with GET {@code path} ({@code sign})". */
    public static String lookUp(String path, String sign) {
      return "Look it up with GET " + path + " (" + sign + ")";
    }
  }

  /**
   * Lets a request's statement fail as it does unless its answer was lost ({@link
   * LostConnection#mayHaveCommitted}); then it is {@link #settle}d: emits {@code made} when {@code
   * look} finds it was made.
   */
  public static <T> Function<Uni<T>, Uni<T>> lookedUp(
      Vertx vertx, Subject subject, Supplier<Uni<Boolean>> look, T made) {
    Supplier<Uni<Boolean>> find = () -> look.get().map(found -> found ? Boolean.TRUE : null);
    return statement ->
        statement
            .onFailure(LostConnection::mayHaveCommitted)
            .recoverWithUni(failure -> settle(vertx, failure, subject, find).replaceWith(made));
  }

  /**
   * As {@link #lookedUp(Vertx, Subject, Supplier, Object)}, for a statement whose answer the look
   * reads back: {@code find} emits it, or {@code null} when nothing was made.
   */
  public static <T> Function<Uni<T>, Uni<T>> lookedUp(
      Vertx vertx, Subject subject, Supplier<Uni<T>> find) {
    return statement ->
        statement
            .onFailure(LostConnection::mayHaveCommitted)
            .recoverWithUni(failure -> settle(vertx, failure, subject, find));
  }

  /**
   * A look in a transaction of its own whose lock waits last at most {@link #LOCK_WAIT_MILLIS}: it
   * first takes the lock the request's statement held until it committed or aborted, so that it
   * reads only once that statement has ended.
   */
  public static <T> Uni<T> lockingLook(Pool pool, Function<SqlConnection, Uni<T>> look) {
    return pool.withTransaction(
        conn ->
            conn.query("SET LOCAL lock_timeout = " + LOCK_WAIT_MILLIS)
                .execute()
                .chain(() -> look.apply(conn)));
  }

  /**
   * A {@link #lockingLook} of one row: {@code sql} reads, {@code FOR SHARE}, whether the row holds
   * what the request wrote ({@code SELECT col = $2 FROM t WHERE id = $1 FOR SHARE}); false when it
   * does not, or when there is no such row.
   */
  public static Uni<Boolean> lockedRowHolds(Pool pool, String sql, Tuple args) {
    return lockingLook(
        pool,
        conn ->
            conn.preparedQuery(sql)
                .execute(args)
                .map(
                    rows -> {
                      var row = rows.iterator();
                      return row.hasNext() && Boolean.TRUE.equals(row.next().getBoolean(0));
                    }));
  }

  /**
   * Settles a creation whose answer was lost ({@code failure}): {@code find} asked up to three
   * times over about 2 s for what it made, each look waiting (at most {@link #LOCK_WAIT_MILLIS})
   * for the creation to end should PostgreSQL still be running it. Emits what a look finds: the
   * creation was committed, with all it wrote, and the request succeeded. Fails with {@code
   * failure} (a 503) when the last look finds nothing ({@code null}) either: nothing was done. When
   * a look fails for good, or the last fails, it may or may not exist: fails with {@link
   * #unknownOutcome}, a 500 that says so, rather than the 503 that would invite the request again.
   */
  static <T> Uni<T> settle(Vertx vertx, Throwable failure, Subject subject, Supplier<Uni<T>> find) {
    return lookFor(vertx, find, 0)
        .onFailure()
        .transform(
            lookFailed -> {
              LOG.warnf(
                  "%s: the answer to the request was lost (%s) and whether it was %s could not be"
                      + " learnt (%s): answered 500",
                  subject.name(), failure.getMessage(), subject.outcome(), lookFailed.getMessage());
              return unknownOutcome(subject);
            })
        .chain(
            found -> {
              LOG.infof(
                  "%s: the answer to the request was lost (%s); it was %s%s",
                  subject.name(),
                  failure.getMessage(),
                  found != null ? "" : "not ",
                  subject.outcome());
              return found != null
                  ? Uni.createFrom().item(found)
                  : Uni.createFrom().<T>failure(failure);
            });
  }

  /**
   * The {@code n}th look and, unless it is the last, the next when it finds nothing or fails for a
   * moment; a look that fails for good ends the looking.
   */
  private static <T> Uni<T> lookFor(Vertx vertx, Supplier<Uni<T>> find, int n) {
    Uni<T> look = Delays.after(vertx, LOOK_PAUSES_MILLIS[n]).chain(find::get);
    if (n + 1 == LOOK_PAUSES_MILLIS.length) {
      return look;
    }
    return look.onItemOrFailure()
        .transformToUni(
            (found, failed) -> {
              if (failed == null && found != null) {
                return Uni.createFrom().item(found);
              }
              if (failed != null && !Failures.isTransient(failed)) {
                return Uni.createFrom().failure(failed);
              }
              return lookFor(vertx, find, n + 1);
            });
  }

  /**
   * The creation may have been made; the client is told how to find out. A 500 (a failure on our
   * side, outcome unknown), not a 504, which the Kubernetes Ingress would replace with its own
   * generic page (custom-http-errors), losing the id and inviting the request again.
   */
  public static ApiException unknownOutcome(Subject subject) {
    return new ApiException(
        ErrorCode.SERVER_ERROR,
        500,
        "The database did not confirm the outcome: "
            + subject.name()
            + " may have been "
            + subject.outcome()
            + ". "
            + subject.howToTell()
            + " before sending the request again, or, if it carried an Idempotency-Key, send it"
            + " again with that key",
        null,
        null);
  }

  /** Whether {@code failure} is the answer {@link #unknownOutcome} gives. */
  public static boolean isUnknownOutcome(Throwable failure) {
    return failure instanceof ApiException e
        && e.code() == ErrorCode.SERVER_ERROR
        && e.description().startsWith("The database did not confirm the outcome");
  }
}
