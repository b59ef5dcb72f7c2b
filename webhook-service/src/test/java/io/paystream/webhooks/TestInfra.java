package io.paystream.webhooks;

import io.paystream.shared.testing.RealInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every {@code @QuarkusTest} of this module runs against the real local PostgreSQL (database {@code
 * paystream_webhooks_test}, schema dropped first) and Redis (database index 3, flushed first).
 */
@QuarkusTestResource(
    value = RealInfraResource.class,
    initArgs = {
      @ResourceArg(name = "database", value = TestInfra.DATABASE),
      @ResourceArg(name = "schemas", value = "webhooks"),
      @ResourceArg(name = "redisDb", value = "3")
    })
public final class TestInfra {
  /** The database of this module's {@code @QuarkusTest}s. */
  public static final String DATABASE = "paystream_webhooks_test";

  private TestInfra() {}
}
