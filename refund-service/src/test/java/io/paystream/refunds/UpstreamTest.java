package io.paystream.refunds;

import io.paystream.shared.stream.RedisStreams;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@code @QuarkusTest} that plays payments-service: before each test the test merchant is
 * announced (and known to the service), and {@link #upstream} publishes payments.
 */
public abstract class UpstreamTest {
  @Inject protected RedisStreams streams;
  protected Upstream upstream;
  protected Db db;

  @BeforeEach
  void announceTestMerchant() {
    db = Db.ofTestApplication();
    upstream = new Upstream(streams, db).withTestMerchant();
  }
}
