package io.paystream.payments.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.idempotency.IdempotencyStore;
import io.paystream.shared.sql.StatementCachingPool;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The service's pool keeps its long statements prepared: each accepting statement, run twice on a
 * connection, is a named prepared statement of that connection's session (an unnamed one, parsed
 * and planned on every call, is not listed in {@code pg_prepared_statements}).
 */
@QuarkusTest
class PreparedStatementCacheTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)");

  @Inject Pool pool;
  @Inject IdempotencyStore keys;

  @Test
  void everyAcceptingStatementStaysPreparedOnItsConnection() {
    String[] statements = {
      AcceptStatement.sql(null, false, false),
      AcceptStatement.sql(keys, false, true),
      AcceptStatement.sql(keys, true, false),
      AcceptStatement.sql(keys, true, true)
    };
    assertTrue(
        Arrays.stream(statements).anyMatch(sql -> sql.length() >= 2048),
        "the client's default limit (2,048 characters) would leave some of these unprepared");
    for (String sql : statements) {
      assertTrue(sql.length() < StatementCachingPool.CACHED_SQL_LIMIT, "within the pool's limit");
      assertEquals(1L, preparedOnItsConnection(sql), sql.length() + " characters: prepared");
    }
  }

  /**
   * Runs {@code sql} twice with every parameter null (an empty batch: it changes nothing) and
   * counts the connection's prepared statements of exactly that text.
   */
  private long preparedOnItsConnection(String sql) {
    Tuple nulls = Tuple.from(Arrays.asList(new Object[parameters(sql)]));
    return pool.withConnection(
            c ->
                c.preparedQuery(sql)
                    .execute(nulls)
                    .chain(() -> c.preparedQuery(sql).execute(nulls))
                    .chain(
                        () ->
                            c.preparedQuery(
                                    "SELECT count(*) FROM pg_prepared_statements"
                                        + " WHERE statement = $1")
                                .execute(Tuple.of(sql))))
        .map(rows -> rows.iterator().next().getLong(0))
        .await()
        .atMost(WAIT);
  }

  private static int parameters(String sql) {
    int highest = 0;
    Matcher m = PARAMETER.matcher(sql);
    while (m.find()) {
      highest = Math.max(highest, Integer.parseInt(m.group(1)));
    }
    return highest;
  }
}
