package io.paystream.payments.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.event.EventType;
import io.paystream.shared.testing.RedisProcess;
import io.paystream.shared.testing.ServiceProcess;
import io.paystream.shared.testing.TcpProxy;
import io.paystream.shared.testing.TestDatabases;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every connection to Redis dies silently (no FIN, no RST: a firewall or NAT dropping it) while
 * Redis itself stays up: the instance gives those connections up and carries on over new ones, so
 * that the events of a payment accepted afterwards are published and the payment is finished by its
 * worker, not left until the operating system would give the connections up (a quarter of an hour
 * or never).
 */
class RedisConnectionsDieIT {
  private static final String DB = "paystream_payments_redis_dies_it";

  @Test
  void connectionsThatGoSilentAreReplaced() throws Exception {
    TestDatabases.recreate(DB, "payments");
    try (RedisProcess redis = RedisProcess.start();
        TcpProxy proxy = TcpProxy.start("127.0.0.1", redis.port());
        ServiceProcess app =
            Instances.start(
                "redis-dies",
                TestDatabases.databaseUrl(DB),
                "redis://127.0.0.1:" + proxy.port(),
                // Longer than the wait for lost jobs: a payment is finished by its worker, which
                // takes its job from Redis, not by the sweep of overdue payments from PostgreSQL.
                Map.of("TEST_PROCESSING_DELAY", "500", "PAYSTREAM_WORKER_SWEEP_GRACE", "10m"))) {
      String before = Instances.pay(app, "success@bank");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Instances.eventTypesOf(redis.url(), before).contains(EventType.PAYMENT_SUCCESS));

      proxy.freeze();
      String after = Instances.pay(app, "success@bank"); // 201: accepting needs only PostgreSQL

      await()
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Instances.eventTypesOf(redis.url(), after).containsAll(Instances.LIFECYCLE));
      assertTrue("success".equals(Instances.statusInDatabase(DB, after)), "finished by its worker");
    }
  }
}
