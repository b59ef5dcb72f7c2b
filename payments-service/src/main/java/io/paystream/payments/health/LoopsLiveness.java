package io.paystream.payments.health;

import io.paystream.payments.messaging.Workers;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.status.LoopLiveness;
import jakarta.inject.Singleton;
import java.util.Map;
import org.eclipse.microprofile.health.Liveness;

/** Whether the consumer loops and the outbox relay still move (see {@link LoopLiveness}). */
@Liveness
@Singleton
public class LoopsLiveness extends LoopLiveness {
  public LoopsLiveness(Workers workers, OutboxRelay relay) {
    super(workers.all(), Map.of("outbox-relay", relay::millisSinceLastStep), STUCK_AFTER);
  }
}
