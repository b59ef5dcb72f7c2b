package io.paystream.payments;

import io.paystream.shared.testing.RealInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every {@code @QuarkusTest} of this module runs against the real local PostgreSQL (database {@code
 * paystream_payments_test}, schema dropped first) and Redis (database index 1, flushed first).
 */
@QuarkusTestResource(
    value = RealInfraResource.class,
    initArgs = {
      @ResourceArg(name = "database", value = "paystream_payments_test"),
      @ResourceArg(name = "schemas", value = "payments"),
      @ResourceArg(name = "redisDb", value = "1")
    })
public final class TestInfra {
  private TestInfra() {}
}
