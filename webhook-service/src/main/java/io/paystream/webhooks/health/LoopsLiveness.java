package io.paystream.webhooks.health;

import io.paystream.shared.status.LoopLiveness;
import io.paystream.webhooks.delivery.DeliveryScheduler;
import io.paystream.webhooks.messaging.Consumers;
import jakarta.inject.Singleton;
import java.util.Map;
import org.eclipse.microprofile.health.Liveness;

/** Whether the consumer loops and the delivery scheduler still move (see {@link LoopLiveness}). */
@Liveness
@Singleton
public class LoopsLiveness extends LoopLiveness {
  public LoopsLiveness(Consumers consumers, DeliveryScheduler scheduler) {
    super(
        consumers.all(), Map.of("delivery-scheduler", scheduler::millisSinceLastStep), STUCK_AFTER);
  }
}
