package io.paystream.refunds;

import io.paystream.shared.testing.RealInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every {@code @QuarkusTest} of this module runs against the real local PostgreSQL (database {@code
 * paystream_refunds_test}, schema dropped first) and Redis (database index 2, flushed first).
 */
@QuarkusTestResource(
    value = RealInfraResource.class,
    initArgs = {
      @ResourceArg(name = "database", value = "paystream_refunds_test"),
      @ResourceArg(name = "schemas", value = "refunds"),
      @ResourceArg(name = "redisDb", value = "2")
    })
public final class TestInfra {
  private TestInfra() {}
}
