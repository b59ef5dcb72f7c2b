package io.paystream.refunds.messaging;

import io.paystream.refunds.repository.ProjectionStateRepository;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Replays the merchant and payment projections from the start of their streams: the applied event
 * ids are forgotten and this service's consumer groups moved back to id 0 ({@code XGROUP SETID}),
 * in that order, so every event still in the streams is merged again (monotonically: nothing moves
 * back, and refunded totals, which are ours, are kept). The other way round, a replica reading the
 * rewound streams before the ids were gone would skip the events that the replay is for. The
 * request is cleared last: a replay cut short by a crash runs again at the next start.
 *
 * <p>A new database asks for a replay (its migration sets the flag): the groups may already sit at
 * the end of streams that an earlier database read. {@code PROJECTION_REBUILD=true} asks again.
 * Several instances replaying at once only merge the same events twice.
 */
@ApplicationScoped
public class ProjectionRebuild {
  private static final Logger LOG = Logger.getLogger(ProjectionRebuild.class);

  private final ProjectionStateRepository state;
  private final RedisStreams streams;

  public ProjectionRebuild(ProjectionStateRepository state, RedisStreams streams) {
    this.state = state;
    this.streams = streams;
  }

  /** Replays when asked to (by {@code requested}, or by the database); emits whether it did. */
  public Uni<Boolean> prepare(boolean requested) {
    Uni<Void> ask = requested ? state.requestRebuild() : Uni.createFrom().voidItem();
    return ask.chain(state::rebuildRequested)
        .chain(needed -> needed ? replay().replaceWith(true) : Uni.createFrom().item(false));
  }

  /** Replays now; the consumers, running or not, read the streams again from their start. */
  public Uni<Void> replay() {
    return state
        .forgetAppliedEvents()
        .chain(() -> rewind(Streams.MERCHANT_EVENTS))
        .chain(() -> rewind(Streams.PAYMENT_EVENTS))
        .chain(state::rebuildStarted)
        .invoke(() -> LOG.info("projections are being rebuilt from the start of their streams"));
  }

  private Uni<Void> rewind(String stream) {
    Request setId =
        Request.cmd(Command.XGROUP).arg("SETID").arg(stream).arg(Streams.REFUND_SERVICE).arg("0");
    return streams
        .ensureGroup(stream, Streams.REFUND_SERVICE)
        .chain(() -> streams.redis().send(setId))
        .replaceWithVoid();
  }
}
