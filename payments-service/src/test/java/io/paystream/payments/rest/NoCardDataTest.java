package io.paystream.payments.rest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.paystream.payments.Api;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.StreamEntry;
import io.paystream.shared.stream.Streams;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * After card payments, neither the full number nor the CVV is in the database, Redis or the logs.
 */
@QuarkusTest
class NoCardDataTest {
  private static final String PAN = "5105105105105100";
  private static final String PAN_SPACED = "5105 1051 0510 5100";
  private static final String CVV = "\"cvv\"";
  private static final UUID TEST_MERCHANT = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");

  @Inject Pool pool;
  @Inject RedisStreams streams;
  @Inject SecretBox box;

  @Test
  void cardNumberAndCvvAreNowhere() throws IOException {
    String declined = "4000000000000002";
    for (String number : List.of(PAN_SPACED, declined)) {
      // Keyed, so that the stored answer and fingerprint are there to be read too; and once
      // through the checkout's public path.
      for (String path : List.of("/api/v1/payments", "/api/v1/payments/public")) {
        String id =
            Api.merchant()
                .header("Idempotency-Key", "card-" + UUID.randomUUID())
                .body(Api.card(Api.order(1_000), number, "11", "38", "7391"))
                .post(path)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        Api.awaitStatus(id, number.equals(declined) ? "failed" : "success");
      }
    }
    // A refused card is not kept either.
    String refused =
        Api.merchant()
            .body(Api.card(Api.order(1_000), "5105105105105101", "11", "38", "7391"))
            .post("/api/v1/payments")
            .then()
            .statusCode(400)
            .extract()
            .header("X-Request-Id");
    // Its access-log line (the only one with "request_id=") is the last this request writes: the
    // log read below has all of it.
    Path log = Path.of("target/test-service.log");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.readString(log).contains("request_id=" + refused));

    // Every column of every table that holds text or bytes, as text; bytes with their printable
    // characters as they are (a row's ::text would show them in hex, where no number is ever
    // found). Numbers, ids, flags and times are left out: an outbox row's id reaches 7391 once
    // enough events were written, which is not the CVV.
    for (Row table :
        pool.query(
                "SELECT table_name, string_agg(CASE data_type WHEN 'bytea' THEN"
                    + " format('encode(%I, ''escape'')', column_name) ELSE format('%I::text',"
                    + " column_name) END, ', ') FROM information_schema.columns WHERE table_schema"
                    + " = 'payments' AND data_type NOT IN ('bigint', 'integer', 'smallint',"
                    + " 'numeric', 'boolean', 'uuid') AND data_type NOT LIKE 'timestamp%'"
                    + " GROUP BY table_name")
            .execute()
            .await()
            .indefinitely()) {
      String name = table.getString(0);
      for (Row row :
          pool.query("SELECT concat_ws(' ', " + table.getString(1) + ") FROM payments." + name)
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
    assertClean("log", Files.readString(log));
  }

  /**
   * The fingerprint kept with a key is keyed (HMAC under the deployment's key): a plain hash of the
   * request would let whoever reads the table test guesses of the number and CVV, since the payment
   * row shows the order, the network and the last four digits.
   */
  @Test
  void aKeyedCardPaymentsFingerprintCannotBeCheckedAgainstAGuess() throws Exception {
    String key = "card-" + UUID.randomUUID();
    String body = Api.card(Api.order(1_000), PAN, "11", "38", "7391");
    Api.merchant()
        .header("Idempotency-Key", key)
        .body(body)
        .post("/api/v1/payments")
        .then()
        .statusCode(201);
    byte[] stored =
        pool.preparedQuery(
                "SELECT fingerprint FROM payments.idempotency_keys WHERE merchant_id = $1 AND key"
                    + " = $2")
            .execute(Tuple.of(TEST_MERCHANT, key))
            .await()
            .indefinitely()
            .iterator()
            .next()
            .getBuffer(0)
            .getBytes();
    byte[] guess =
        ("POST\n/api/v1/payments\n"
                + new String(JsonWriter.sortingKeys().value(Json.parse(body)).toBytes(), UTF_8))
            .getBytes(UTF_8);

    assertFalse(Arrays.equals(MessageDigest.getInstance("SHA-256").digest(guess), stored));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(box.derivedKey("idempotency-fingerprint"), "HmacSHA256"));
    assertArrayEquals(mac.doFinal(guess), stored, "the HMAC under this deployment's key");
  }

  /**
   * The CVV as a token of its own: it may occur by chance inside a random id or a timestamp, and as
   * a group of a UUID's hex digits (a merchant's id, an order's receipt or a key made of one),
   * which stands between hyphens.
   */
  private static final Pattern CVV_VALUE = Pattern.compile("(?<![A-Za-z0-9-])7391(?![A-Za-z0-9-])");

  private static void assertClean(String where, String text) {
    for (String secret : List.of(PAN, PAN_SPACED, "4000000000000002", "5105105105105101", CVV)) {
      assertFalse(text.contains(secret), where + " contains " + secret);
    }
    assertFalse(CVV_VALUE.matcher(text).find(), where + " contains the CVV");
  }
}
