package io.paystream.payments.repository;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A statement keeps the plan it was prepared with for as long as its connection lives; the pool
 * replaces connections after {@code quarkus.datasource.reactive.max-lifetime}, so a plan made while
 * a table was empty is made again for the table's real size. Two pooled connections here, living
 * two seconds (the service's live a minute): the outbox relay holds one for its lock, so the test
 * and the workers share the other and the test sees that connection's own plans.
 */
@QuarkusTest
@TestProfile(PlanRefreshTest.ShortLivedConnection.class)
class PlanRefreshTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String LOOKUP =
      "SELECT x.v FROM plan_probe.items x JOIN unnest($1::text[]) AS u (id) ON x.id = u.id";

  public static class ShortLivedConnection implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.datasource.reactive.max-lifetime", "PT2S",
          "quarkus.datasource.reactive.max-size", "2");
    }
  }

  @Inject Pool pool;

  @Test
  void aPlanMadeForAnEmptyTableIsMadeAgainOnAReplacedConnection() throws InterruptedException {
    pool.query(
            "DROP SCHEMA IF EXISTS plan_probe CASCADE; CREATE SCHEMA plan_probe;"
                + " CREATE TABLE plan_probe.items (id text PRIMARY KEY, v int)"
                + " WITH (autovacuum_enabled = false)")
        .execute()
        .await()
        .atMost(WAIT);

    // On one connection: prepared while the table is empty, the lookup scans it, and it still
    // does once the table holds 200,000 rows.
    String[] plans =
        pool.withConnection(
                c ->
                    plan(c)
                        .chain(
                            empty ->
                                c.query(
                                        "INSERT INTO plan_probe.items SELECT 'i' || g, g"
                                            + " FROM generate_series(1, 200000) g")
                                    .execute()
                                    .chain(() -> plan(c))
                                    .map(grown -> new String[] {empty, grown})))
            .await()
            .atMost(WAIT);
    assertTrue(plans[0].contains("Seq Scan on items"), "made for an empty table: " + plans[0]);
    assertTrue(plans[1].contains("Seq Scan on items"), "kept by its connection: " + plans[1]);

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String plan = plans[1];
    while (!plan.contains("Index Scan") && System.nanoTime() < deadline) {
      Thread.sleep(500);
      plan = pool.withConnection(this::plan).await().atMost(WAIT);
    }
    assertTrue(
        plan.contains("Index Scan using items_pkey"), "made again for 200,000 rows: " + plan);
  }

  /** Runs the lookup on {@code c}, then explains the plan {@code c} holds for it. */
  private Uni<String> plan(SqlConnection c) {
    Tuple ids = Tuple.of(new String[] {"i1", "i2"});
    return c.preparedQuery(LOOKUP)
        .execute(ids)
        .chain(
            () ->
                c.preparedQuery("SELECT name FROM pg_prepared_statements WHERE statement = $1")
                    .execute(Tuple.of(LOOKUP)))
        .map(rows -> rows.iterator().next().getString(0))
        .chain(
            name ->
                c.query("EXPLAIN EXECUTE \"" + name + "\"('{i1,i2}')")
                    .execute()
                    .map(
                        rows ->
                            StreamSupport.stream(rows.spliterator(), false)
                                .map((Row r) -> r.getString(0))
                                .collect(Collectors.joining("\n"))));
  }
}
