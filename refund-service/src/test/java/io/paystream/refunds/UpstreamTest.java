package io.paystream.refunds;

import io.paystream.shared.stream.RedisStreams;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@code @QuarkusTest} that plays payments-service: before each test the test merchant is
 * announced (and known to the service), and {@link #upstream} reports as a running instance does
 * and publishes payments.
 */
public abstract class UpstreamTest {
  @Inject protected RedisStreams streams;
  @Inject protected Vertx vertx;
  protected Upstream upstream;
  protected Db db;

  @BeforeEach
  void announceTestMerchant() {
    db = Db.ofTestApplication();
    upstream = new Upstream(streams, db).reporting(vertx).withTestMerchant();
  }

  @AfterEach
  void stopReporting() {
    if (upstream != null) {
      upstream.close();
    }
  }
}
