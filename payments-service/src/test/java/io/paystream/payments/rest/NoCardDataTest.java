package io.paystream.payments.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.paystream.payments.Api;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * After card payments, neither the full number nor the CVV is in the database, Redis or the logs.
 */
@QuarkusTest
class NoCardDataTest {
  private static final String PAN = "5105105105105100";
  private static final String PAN_SPACED = "5105 1051 0510 5100";
  private static final String CVV = "\"cvv\"";

  @Inject Pool pool;
  @Inject RedisStreams streams;

  @Test
  void cardNumberAndCvvAreNowhere() throws IOException {
    String declined = "4000000000000002";
    for (String number : List.of(PAN_SPACED, declined)) {
      String id =
          Api.merchant()
              .body(Api.card(Api.order(1_000), number, "11", "38", "7391"))
              .post("/api/v1/payments")
              .then()
              .statusCode(201)
              .extract()
              .path("id");
      Api.awaitStatus(id, number.equals(declined) ? "failed" : "success");
    }
    // A refused card is not kept either.
    Api.merchant()
        .body(Api.card(Api.order(1_000), "5105105105105101", "11", "38", "7391"))
        .post("/api/v1/payments")
        .then()
        .statusCode(400);
    await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(500)).until(() -> true);

    for (Row table :
        pool.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'payments'")
            .execute()
            .await()
            .indefinitely()) {
      String name = table.getString(0);
      for (Row row :
          pool.query("SELECT t::text FROM payments." + name + " t")
              .execute()
              .await()
              .indefinitely()) {
        assertClean("payments." + name, row.getString(0));
      }
    }
    for (String stream :
        List.of(Streams.PAYMENT_EVENTS, Streams.PAYMENT_JOBS, Streams.MERCHANT_EVENTS)) {
      for (StreamEntry e : streams.latest(stream, 100_000).await().indefinitely()) {
        assertClean(stream, e.payload());
      }
    }
    assertClean("log", Files.readString(Path.of("target/test-service.log")));
  }

  /** The CVV as a token of its own (it may occur by chance inside a random id or a timestamp). */
  private static final Pattern CVV_VALUE = Pattern.compile("(?<![A-Za-z0-9])7391(?![A-Za-z0-9])");

  private static void assertClean(String where, String text) {
    for (String secret : List.of(PAN, PAN_SPACED, "4000000000000002", "5105105105105101", CVV)) {
      assertFalse(text.contains(secret), where + " contains " + secret);
    }
    assertFalse(CVV_VALUE.matcher(text).find(), where + " contains the CVV");
  }
}
