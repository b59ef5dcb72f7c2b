package io.paystream.webhooks.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tally of pending deliveries (V8) agrees with the table after every kind of statement that
 * changes deliveries, folded or not. Each check compares the two in one statement (one snapshot),
 * so the service's own work going on meanwhile cannot tell them apart. The rows here are due in a
 * day, out of every claim's way.
 */
@QuarkusTest
class PendingTallyTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Tallied and counted, per kind, in one snapshot. */
  private static final String AGREEMENT =
      "SELECT k.kind, (SELECT coalesce(sum(n), 0) FROM "
          + Tables.PENDING_TOTALS
          + " t WHERE t.status = k.kind) + (SELECT coalesce(sum(delta), 0) FROM "
          + Tables.PENDING_INCREMENTS
          + " i WHERE i.status = k.kind) AS tallied, (SELECT count(*) FROM "
          + Tables.DELIVERIES
          + " d WHERE d.status = 'pending' AND d.parked = (k.kind = 'parked')) AS counted"
          + " FROM (VALUES ('waiting'), ('parked')) k(kind)";

  @Inject Pool pool;
  @Inject CountsRepository counts;

  private final UUID merchant = UUID.randomUUID();
  private final UUID endpoint = UUID.randomUUID();

  @AfterEach
  void dropRows() {
    sql("DELETE FROM " + Tables.DELIVERIES + " WHERE merchant_id = $1", Tuple.of(merchant));
    assertAgreement("after the rows were deleted");
  }

  @Test
  void theTallyFollowsInsertsParkingFinishingReopeningAndDeletes() {
    assertAgreement("before");
    insert(6, "pending", false);
    insert(4, "pending", true);
    insert(3, "success", false);
    assertAgreement("after inserts, some parked, some finished");

    change("UPDATE %s SET parked = true WHERE %s AND status = 'pending' AND NOT parked", "-1");
    change("UPDATE %s SET parked = false WHERE %s AND parked", "-2");
    assertAgreement("after parking and taking back");

    change("UPDATE %s SET attempts = attempts + 1 WHERE %s", "");
    assertAgreement("after a change that moves no delivery between kinds");

    await(counts.fold());
    change("UPDATE %s SET status = 'failed', parked = false WHERE %s AND status = 'pending'", "-3");
    change("UPDATE %s SET status = 'pending', attempts = 0 WHERE %s AND status = 'success'", "");
    assertAgreement("after finishing and a manual retry, part of it folded");

    // One statement changing the table twice, as the claim does (park some, lease others).
    change(
        "WITH a AS (UPDATE %1$s SET parked = true WHERE %2$s AND status = 'pending' AND NOT parked"
            + " RETURNING id), b AS (UPDATE %1$s SET status = 'success', parked = false"
            + " WHERE merchant_id = $1 AND parked AND event_id NOT LIKE '%%-4' RETURNING id)"
            + " SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)",
        "-4");
    assertAgreement("after one statement with two changes");

    change("DELETE FROM %s WHERE %s", "-5");
    await(counts.fold());
    assertAgreement("after deleting some and folding");
  }

  /** Emptied by TRUNCATE (inside a transaction rolled back: the suite's other rows stay). */
  @Test
  void aTruncatedTableLeavesAnEmptyTally() {
    insert(3, "pending", false);
    insert(2, "pending", true);
    List<Long> tallied =
        pool.withTransaction(
                c ->
                    c.query("TRUNCATE " + Tables.DELIVERIES)
                        .execute()
                        .flatMap(r -> c.query(AGREEMENT).execute())
                        .map(
                            rows -> {
                              List<Long> each = new ArrayList<>();
                              rows.forEach(
                                  r -> {
                                    assertEquals(0, r.getLong("counted"));
                                    each.add(r.getLong("tallied"));
                                  });
                              return each;
                            })
                        .flatMap(
                            each -> Uni.createFrom().<List<Long>>failure(new RolledBack(each))))
            .onFailure(RolledBack.class)
            .recoverWithItem(f -> f.tallied)
            .await()
            .atMost(WAIT);
    assertEquals(List.of(0L, 0L), tallied, "waiting and parked after TRUNCATE");
    assertAgreement("after the TRUNCATE was rolled back");
  }

  /** Ends a transaction by rolling it back, carrying what it read. */
  private static final class RolledBack extends RuntimeException {
    private final transient List<Long> tallied;

    RolledBack(List<Long> tallied) {
      super(null, null, false, false);
      this.tallied = tallied;
    }
  }

  private void insert(int n, String status, boolean parked) {
    sql(
        "INSERT INTO "
            + Tables.DELIVERIES
            + " (id, merchant_id, endpoint_id, endpoint_url, event_id, event_type, payload,"
            + " status, run_at, parked, created_at, updated_at) SELECT gen_random_uuid(), $1, $2,"
            + " 'http://127.0.0.1:9/tally', 'evt_' || $3 || '-' || g, 'payment.success',"
            + " '\\x7b7d'::bytea, $4, now() + interval '1 day', $5, now(), now()"
            + " FROM generate_series(1, $6) g",
        Tuple.of(merchant, endpoint, UUID.randomUUID().toString(), status, parked, n));
  }

  /**
   * Runs {@code template}, its {@code %s} (or {@code %1$s}, {@code %2$s}) the table, then this
   * test's rows whose event ids end with {@code suffix}.
   */
  private void change(String template, String suffix) {
    String rows = "merchant_id = $1 AND event_id LIKE '%' || $2";
    sql(template.formatted(Tables.DELIVERIES, rows), Tuple.of(merchant, suffix));
  }

  private void assertAgreement(String when) {
    for (Row r : await(pool.query(AGREEMENT).execute())) {
      assertEquals(r.getLong("counted"), r.getLong("tallied"), r.getString("kind") + " " + when);
    }
  }

  private void sql(String sql, Tuple args) {
    await(pool.preparedQuery(sql).execute(args));
  }

  private static <T> T await(Uni<T> uni) {
    return uni.await().atMost(WAIT);
  }
}
