package io.paystream.shared.web;

import io.paystream.shared.sql.StatementCachingPool;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Vert.x's handler of exceptions nothing else caught, as Quarkus logs them (an error with its stack
 * trace), less one known false alarm of the SQL client.
 *
 * <p>A query run on the pool arms a timer for the pool's connection wait. When no connection can be
 * had (the database is down), the query fails at once, as it should, but the timer is not
 * cancelled: when it fires, {@link StatementCachingPool#CONNECTION_WAIT_SECONDS} later, it fails
 * the finished query again and Vert.x reports {@code IllegalStateException: Result is already
 * complete} with a stack trace (eclipse-vertx/vertx-sql-client#1706). Nothing is lost or answered
 * twice; it is one stack trace per query tried during a database outage, which would bury the
 * outage's real log lines. Those are counted and logged at debug; everything else is still an error
 * with its stack trace.
 */
@ApplicationScoped
public class UncaughtFailures implements Handler<Throwable> {
  private static final Logger LOG = Logger.getLogger(UncaughtFailures.class);

  private final AtomicLong poolTimerRaces = new AtomicLong();
  private final AtomicLong others = new AtomicLong();

  void install(@Observes StartupEvent started, Vertx vertx) {
    install(vertx);
  }

  /** Makes this the handler of {@code vertx}'s uncaught exceptions. */
  public void install(Vertx vertx) {
    vertx.exceptionHandler(this);
  }

  @Override
  public void handle(Throwable failure) {
    if (isPoolTimerRace(failure)) {
      poolTimerRaces.incrementAndGet();
      LOG.debugf("a pool query's connection wait ran out after the query had failed");
      return;
    }
    others.incrementAndGet();
    LOG.error("Uncaught exception received by Vert.x", failure);
  }

  /** Uncaught exceptions that were the SQL pool's late timer. */
  public long poolTimerRaces() {
    return poolTimerRaces.get();
  }

  /** Every other uncaught exception. */
  public long others() {
    return others.get();
  }

  static boolean isPoolTimerRace(Throwable failure) {
    if (!(failure instanceof IllegalStateException)
        || !"Result is already complete".equals(failure.getMessage())) {
      return false;
    }
    for (StackTraceElement frame : failure.getStackTrace()) {
      if (frame.getClassName().equals("io.vertx.sqlclient.impl.pool.SqlConnectionPool")
          && frame.getMethodName().startsWith("lambda$execute")) {
        return true;
      }
    }
    return false;
  }
}
