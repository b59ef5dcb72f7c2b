package io.paystream.shared.status;

import io.paystream.shared.stream.StreamConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Liveness of a service's background loops: down when one of them has gone {@link #STUCK_AFTER}
 * without a step (see each loop's {@code millisSinceLastStep}). A loop that cannot reach Redis or
 * PostgreSQL still steps (its tries fail and are retried), so an outage never fails this check; a
 * loop whose steps never end (a statement or read that never returns, handlers that never finish)
 * does, and a restart is the only thing that frees what it holds: its stream entries, which it
 * keeps fresh and so from every other instance, and its connections. Readiness says whether the
 * loops work; this says whether they still move.
 */
public abstract class LoopLiveness implements HealthCheck {
  /** Far longer than any step takes: a read blocks for seconds, a job waits 10 s at most. */
  public static final Duration STUCK_AFTER = Duration.ofMinutes(5);

  private final Map<String, LongSupplier> loops = new LinkedHashMap<>();
  private final long stuckAfterMillis;

  /**
   * @param consumers the service's stream consumers, each named by its stream
   * @param others its other loops by name, each with how long ago it last stepped (0 when idle)
   */
  protected LoopLiveness(
      List<StreamConsumer> consumers, Map<String, LongSupplier> others, Duration stuckAfter) {
    consumers.forEach(c -> loops.put(c.options().stream(), c::millisSinceLastStep));
    loops.putAll(others);
    this.stuckAfterMillis = stuckAfter.toMillis();
  }

  /** The loops that have gone too long without a step, by name. */
  public List<String> stuck() {
    List<String> out = new ArrayList<>();
    loops.forEach(
        (name, since) -> {
          if (since.getAsLong() > stuckAfterMillis) {
            out.add(name);
          }
        });
    return out;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder r = HealthCheckResponse.named("background-loops");
    loops.forEach(
        (name, since) -> r.withData(name + " seconds since a step", since.getAsLong() / 1000));
    return r.status(stuck().isEmpty()).build();
  }
}
