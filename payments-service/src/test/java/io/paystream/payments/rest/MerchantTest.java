package io.paystream.payments.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.payments.Api;
import io.paystream.payments.Metrics;
import io.paystream.payments.StreamReader;
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class MerchantTest {
  @Inject RedisStreams streams;
  @Inject SecretBox box;
  @Inject Pool pool;

  @Test
  void testMerchantIsSeededAndAnnounced() {
    given()
        .get("/api/v1/test/merchant")
        .then()
        .statusCode(200)
        .body("id", equalTo("550e8400-e29b-41d4-a716-446655440000"))
        .body("email", equalTo("test@example.com"))
        .body("api_key", equalTo("key_test_abc123"))
        .body("seeded", equalTo(true));
    MerchantCredentials announced = awaitAnnounced("550e8400-e29b-41d4-a716-446655440000");
    assertEquals("key_test_abc123", announced.apiKey());
    assertEquals(ApiSecrets.hash("secret_test_xyz789"), announced.apiSecretHash());
    assertEquals("whsec_test_abc123", box.open(announced.webhookSecretSealed()));
    assertEquals("Test Merchant", announced.name());
    assertEquals(0L, announced.credentialsVersion());
  }

  @Test
  void onboardingNeedsTheAdminTokenAndShowsTheSecretOnce() throws Exception {
    Map<String, String> body =
        Map.of(
            "name",
            "Shop",
            "email",
            "new-" + System.nanoTime() + "@example.com",
            "password",
            "long enough pw");
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/merchants")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("AUTHENTICATION_ERROR"));
    given()
        .header("X-Admin-Token", "wrong")
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/merchants")
        .then()
        .statusCode(401);
    var created =
        onboard(body)
            .then()
            .statusCode(201)
            .header("Cache-Control", "no-store")
            .body("api_key", matchesPattern("key_live_[A-Za-z0-9]{20}"))
            .body("api_secret", matchesPattern("secret_live_[A-Za-z0-9]{32}"))
            .body("webhook_secret", matchesPattern("whsec_[A-Za-z0-9+/]{43}="))
            .extract()
            .jsonPath();
    // The new credentials work at once, and the merchant was announced.
    Api.as(created.getString("api_key"), created.getString("api_secret"))
        .get("/api/v1/payments")
        .then()
        .statusCode(200);
    MerchantCredentials announced = awaitAnnounced(created.getString("id"));
    assertEquals(created.getString("webhook_secret"), box.open(announced.webhookSecretSealed()));
    // The same email again is refused.
    onboard(body).then().statusCode(400).body("error.field", equalTo("email"));
    // Neither the secret nor the password is stored in clear.
    String row =
        pool.query(
                "SELECT m::text FROM payments.merchants m WHERE email = '"
                    + body.get("email")
                    + "'")
            .execute()
            .await()
            .indefinitely()
            .iterator()
            .next()
            .getString(0);
    assertFalse(row.contains(created.getString("api_secret")));
    assertFalse(row.contains("long enough pw"));
    assertTrue(row.contains("$2a$") || row.contains("$2b$") || row.contains("$2y$"), "bcrypt");
    // Logins, right and wrong, and a request with a wrong secret: none of the secrets, the
    // password or the admin token reaches the log (DEBUG and the access log included).
    login(body.get("email"), "long enough pw").then().statusCode(200);
    login(body.get("email"), "not the password").then().statusCode(401);
    Api.as(created.getString("api_key"), created.getString("api_secret") + "x")
        .get("/api/v1/payments")
        .then()
        .statusCode(401);
    Path file = Path.of("target/test-service.log");
    Awaitility.await() // the access log has these requests: the log read is this run's
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.readString(file).contains("POST /api/v1/auth/login HTTP/1.1\\\" 401"));
    String log = Files.readString(file);
    for (String secret :
        List.of(
            created.getString("api_secret"),
            created.getString("webhook_secret"),
            "long enough pw",
            "not the password",
            "test-admin-token")) {
      // The log is JSON lines: "/" may be written escaped.
      assertFalse(
          log.contains(secret) || log.contains(secret.replace("/", "\\/")),
          "the log holds a secret: " + secret);
    }
  }

  @Test
  void onboardingUnderAnIdempotencyKeyReplaysTheCredentialsSealedAtRest() {
    String key = "onboard-" + System.nanoTime();
    Map<String, String> body =
        Map.of("name", "Shop", "email", key + "@example.com", "password", "long enough pw");
    var first = onboard(key, body).then().statusCode(201).extract();
    // The response was lost: the same request again gives the same merchant and credentials.
    var again =
        onboard(key, body).then().statusCode(201).header("Idempotent-Replayed", "true").extract();
    assertEquals(first.asString(), again.asString());
    String secret = first.path("api_secret");
    Api.as(first.path("api_key"), secret).get("/api/v1/payments").then().statusCode(200);
    // Another request under the key is refused, and creates nothing.
    onboard(
            key,
            Map.of("name", "Other", "email", "x" + key + "@example.com", "password", "pw pw pw"))
        .then()
        .statusCode(422)
        .body("error.code", equalTo("IDEMPOTENCY_KEY_MISMATCH"));
    // The stored response holds the secrets: sealed, not in clear.
    String stored =
        pool.query(
                "SELECT convert_from(response_body, 'UTF8') FROM payments.idempotency_keys"
                    + " WHERE key = '"
                    + key
                    + "'")
            .execute()
            .await()
            .indefinitely()
            .iterator()
            .next()
            .getString(0);
    assertFalse(stored.contains(secret));
    assertFalse(stored.contains((String) first.path("webhook_secret")));
  }

  /** Onboarding with the admin token, without an {@code Idempotency-Key}. */
  private static io.restassured.response.Response onboard(Map<String, String> body) {
    return onboard(null, body);
  }

  /** Onboards a merchant {@code name} of {@code email} whose password is "right-password". */
  private static String accountWithRightPassword(String name, String email) {
    onboard(Map.of("name", name, "email", email, "password", "right-password"))
        .then()
        .statusCode(201);
    return email;
  }

  /** Onboarding with the admin token, under {@code key} unless it is {@code null}. */
  private static io.restassured.response.Response onboard(String key, Map<String, String> body) {
    var request =
        given()
            .header("X-Admin-Token", "test-admin-token")
            .contentType(ContentType.JSON)
            .body(body);
    return (key == null ? request : request.header("Idempotency-Key", key))
        .post("/api/v1/merchants");
  }

  @Test
  void theAdminTokenIsCheckedBeforeTheBodyIsRead() {
    given()
        .contentType(ContentType.JSON)
        .body("{")
        .post("/api/v1/merchants")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("AUTHENTICATION_ERROR"));
    given()
        .header("X-Admin-Token", "test-admin-token")
        .header("Idempotency-Key", "k".repeat(256))
        .contentType(ContentType.JSON)
        .body("{")
        .post("/api/v1/merchants")
        .then()
        .statusCode(400)
        .body("error.field", equalTo("Idempotency-Key"));
  }

  @Test
  void onboardingValidatesItsFields() {
    onboard(Map.of("name", "S", "email", "not-an-email", "password", "long enough pw"))
        .then()
        .statusCode(400)
        .body("error.field", equalTo("email"));
    onboard(Map.of("name", "S", "email", "a@b.co", "password", "short"))
        .then()
        .statusCode(400)
        .body("error.field", equalTo("password"));
  }

  @Test
  void aLongPasswordMustBeGivenWhole() {
    String password = "a passphrase well beyond what bcrypt reads itself: ".repeat(2);
    String email = "long-" + System.nanoTime() + "@example.com";
    onboard(Map.of("name", "Long", "email", email, "password", password)).then().statusCode(201);
    login(email, password).then().statusCode(200);
    login(email, password.substring(0, 72) + "but a different end").then().statusCode(401);
  }

  @Test
  void loginWithThePasswordGivesKeyAndSecret() {
    login("test@example.com", "password")
        .then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("id", equalTo("550e8400-e29b-41d4-a716-446655440000"))
        .body("api_key", equalTo("key_test_abc123"))
        .body("api_secret", equalTo("secret_test_xyz789"));
    login("TEST@example.com", "password").then().statusCode(200);
    login("test@example.com", "Password")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("AUTHENTICATION_ERROR"));
    login("nobody@example.com", "password").then().statusCode(401);
  }

  @Test
  void anAccountWithTenFailedLoginsIsRefusedEvenTheRightPasswordForAWhile() throws Exception {
    String email =
        accountWithRightPassword("Guessed", "guessed-" + UUID.randomUUID() + "@shop.example");
    // Thirty guesses at once: ten are checked (and fail), the rest are refused unchecked.
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      guesses.add(
          post(
              client,
              "/api/v1/auth/login",
              "{\"email\":\"" + email + "\",\"password\":\"guess-" + i + "\"}",
              "Content-Type",
              "application/json"));
    }
    Map<Integer, Integer> statuses = new HashMap<>();
    for (CompletableFuture<HttpResponse<String>> g : guesses) {
      statuses.merge(g.get().statusCode(), 1, Integer::sum);
    }
    assertEquals(Map.of(401, 10, 429, 20), statuses);
    login(email.toUpperCase(), "right-password")
        .then()
        .statusCode(429)
        .header("Retry-After", notNullValue())
        .body("error.code", equalTo("RATE_LIMIT_ERROR"));
    login("test@example.com", "password").then().statusCode(200);
  }

  @Test
  void loginsAreCountedByOutcomeInTheMetrics() {
    double succeeded = logins("succeeded");
    double failed = logins("failed");
    double locked = logins("locked");
    login("test@example.com", "password").then().statusCode(200);
    login("nobody-" + UUID.randomUUID() + "@shop.example", "password").then().statusCode(401);
    String email =
        accountWithRightPassword("Counted", "counted-" + UUID.randomUUID() + "@shop.example");
    for (int i = 0; i < 10; i++) {
      login(email, "guess-" + i).then().statusCode(401);
    }
    login(email, "right-password").then().statusCode(429);
    assertEquals(succeeded + 1, logins("succeeded"));
    assertEquals(failed + 11, logins("failed"));
    assertEquals(locked + 1, logins("locked"));
  }

  private static double logins(String outcome) {
    return Metrics.value("paystream_logins_total", "outcome", outcome);
  }

  @Test
  void aFloodOfLoginsBeyondThePasswordQueueIsRefusedBeforeItCostsAStatement() throws Exception {
    // Logins need no credentials. One password check runs and 64 wait; logins beyond that are
    // refused with 429 before their statement: no row of failed logins is written for them.
    double busy = logins("busy");
    String marker = "flood-" + UUID.randomUUID().toString().replace("-", "");
    List<String> emails = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      emails.add(marker + "-" + i + "@shop.example");
    }
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> logins = new ArrayList<>();
    for (String email : emails) {
      logins.add(
          post(
              client,
              "/api/v1/auth/login",
              "{\"email\":\"" + email + "\",\"password\":\"guess\"}",
              "Content-Type",
              "application/json"));
    }
    Map<Integer, Integer> statuses = new HashMap<>();
    for (CompletableFuture<HttpResponse<String>> l : logins) {
      statuses.merge(l.get().statusCode(), 1, Integer::sum);
    }
    assertEquals(java.util.Set.of(401, 429), statuses.keySet(), statuses.toString());
    assertEquals(busy + statuses.get(429), logins("busy"), "each refusal is counted as busy");
    // A place freed by a finished check may let one more in while the flood goes on.
    assertTrue(statuses.get(401) < 150, statuses.toString());
    // Exactly the logins that were checked were counted.
    assertEquals((long) statuses.get(401), failedLogins(emails), statuses.toString());
  }

  @Test
  void aGuessWhoseAnswerNobodyWaitedForStillCounts() throws Exception {
    String email =
        accountWithRightPassword("Abandoned", "abandoned-" + UUID.randomUUID() + "@shop.example");
    // Ten guesses at once whose clients leave after 200 ms, before bcrypt (one check at a time)
    // has answered most of them.
    List<String> guesses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      guesses.add("guess-" + i);
    }
    sendLoginsAndLeave(email, guesses);
    // Each guess still got its verdict, and counts: the account is now refused, the right password
    // included.
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertEquals(10, failedLogins(List.of(email))));
    login(email, "right-password").then().statusCode(429);
  }

  /**
   * Sends whole login requests, one connection each, then (once the service has had time to read
   * them) resets every connection without reading an answer, as clients that gave up do.
   */
  private static void sendLoginsAndLeave(String email, List<String> passwords)
      throws IOException, InterruptedException {
    List<java.net.Socket> sockets = new ArrayList<>();
    try {
      for (String password : passwords) {
        byte[] body =
            ("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        java.net.Socket socket = new java.net.Socket("localhost", RestAssured.port);
        sockets.add(socket);
        socket
            .getOutputStream()
            .write(
                ("POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: "
                        + body.length
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
      }
      Thread.sleep(200);
    } finally {
      for (java.net.Socket socket : sockets) {
        socket.setSoLinger(true, 0);
        socket.close();
      }
    }
  }

  /** The failed logins counted for {@code emails}, as the table holds them. */
  private long failedLogins(List<String> emails) {
    return pool.preparedQuery(
            "SELECT coalesce(sum(failures), 0) FROM payments.login_failures WHERE account IN"
                + " (SELECT encode(sha256(convert_to(lower(e), 'UTF8')), 'hex')"
                + " FROM unnest($1::text[]) e)")
        .execute(Tuple.of(emails.toArray(new String[0])))
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void failedLoginsCountAgainstTheAccountWhicheverSpellingReachedIt() {
    String email =
        accountWithRightPassword(
            "Spelled", "iiiiii-" + UUID.randomUUID().toString().replace("-", "") + "@shop.example");
    // Java lowercases "İ" to "i" and a combining dot, PostgreSQL (in a UTF-8 locale) to "i":
    // each spelling below is another string to Java and, where the database folds it, the same
    // account to the database.
    if (login(spelling(email, 1), "right-password").statusCode() != 200) {
      // This database does not fold it: no such spelling reaches the account at all.
      for (int mask = 2; mask <= 11; mask++) {
        login(spelling(email, mask), "right-password").then().statusCode(401);
      }
      return;
    }
    for (int mask = 2; mask <= 11; mask++) {
      login(spelling(email, mask), "guess-" + mask).then().statusCode(401);
    }
    login(email, "right-password")
        .then()
        .statusCode(429)
        .body("error.code", equalTo("RATE_LIMIT_ERROR"));
    // An email without an account is counted the same way: its spellings cannot tell whether one
    // exists (a count of their own would answer 401 here where a real account answers 429).
    String nobody = "iiiiii-" + UUID.randomUUID().toString().replace("-", "") + "@shop.example";
    for (int mask = 1; mask <= 10; mask++) {
      login(spelling(nobody, mask), "guess-" + mask).then().statusCode(401);
    }
    login(spelling(nobody, 12), "right-password").then().statusCode(429);
  }

  /** {@code email} with each "i" whose bit is set in {@code mask} written as "İ" (U+0130). */
  private static String spelling(String email, int mask) {
    StringBuilder out = new StringBuilder();
    int seen = 0;
    for (char c : email.toCharArray()) {
      out.append(c == 'i' && (mask >> seen++ & 1) == 1 ? '\u0130' : c);
    }
    return out.toString();
  }

  private static io.restassured.response.Response login(String email, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", password))
        .post("/api/v1/auth/login");
  }

  @Test
  void rotatingTheSecretRetiresTheOldOne() {
    String[] m = Api.newMerchant();
    String fresh =
        Api.as(m[1], m[2])
            .post("/api/v1/merchants/me/rotate-secret")
            .then()
            .statusCode(200)
            .header("Cache-Control", "no-store")
            .body("api_key", equalTo(m[1]))
            .body("api_secret", not(equalTo(m[2])))
            .extract()
            .path("api_secret");
    Api.as(m[1], m[2]).get("/api/v1/payments").then().statusCode(401);
    Api.as(m[1], fresh).get("/api/v1/payments").then().statusCode(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                StreamReader.events(streams, Streams.MERCHANT_EVENTS).stream()
                    .anyMatch(
                        e ->
                            e.type() == EventType.MERCHANT_CREDENTIALS_ROTATED
                                && MerchantCredentials.fromEventData(e.data())
                                    .apiSecretHash()
                                    .equals(ApiSecrets.hash(fresh))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1]", "{\"x\":\"\\u0000\"}"})
  void aRotationWithABodyThatIsNotAnObjectIsRefusedAndRotatesNothing(String body) {
    String[] m = Api.newMerchant();
    Api.as(m[1], m[2])
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/merchants/me/rotate-secret")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST_ERROR"));
    Api.as(m[1], m[2]).get("/api/v1/payments").then().statusCode(200);
    // An object (its fields ignored) or no body at all rotates.
    Api.as(m[1], m[2])
        .contentType(ContentType.JSON)
        .body("{\"reason\":\"leaked\"}")
        .post("/api/v1/merchants/me/rotate-secret")
        .then()
        .statusCode(200);
  }

  @Test
  void rotatingUnderAnIdempotencyKeyRotatesOnce() {
    String[] m = Api.newMerchant();
    String key = "rotate-" + System.nanoTime();
    var first =
        Api.as(m[1], m[2])
            .header("Idempotency-Key", key)
            .post("/api/v1/merchants/me/rotate-secret")
            .then()
            .statusCode(200)
            .extract();
    String fresh = first.path("api_secret");
    // A replay authenticates with the secret in force, and gets the same answer: no new secret.
    var again =
        Api.as(m[1], fresh)
            .header("Idempotency-Key", key)
            .post("/api/v1/merchants/me/rotate-secret")
            .then()
            .statusCode(200)
            .header("Idempotent-Replayed", "true")
            .extract();
    assertEquals(first.asString(), again.asString());
    Api.as(m[1], fresh).get("/api/v1/payments").then().statusCode(200);
  }

  @Test
  void rotationsAtOnceReplaceTheSecretOnceAndEachRotationIsNumbered() throws Exception {
    String[] m = Api.newMerchant();
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> rotations = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      rotations.add(
          post(
              client,
              "/api/v1/merchants/me/rotate-secret",
              "",
              "X-Api-Key",
              m[1],
              "X-Api-Secret",
              m[2]));
    }
    List<String> secrets = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> r : rotations) {
      HttpResponse<String> answer = r.get();
      if (answer.statusCode() == 200) {
        secrets.add(JsonPath.from(answer.body()).getString("api_secret"));
      } else {
        // Too late for the secret it presented, or it lost the race to the one that won.
        assertTrue(
            List.of(401, 409).contains(answer.statusCode()),
            answer.statusCode() + " " + answer.body());
      }
    }
    assertEquals(1, secrets.size(), "rotations that succeeded at once: " + secrets);
    String fresh = secrets.get(0);
    Api.as(m[1], fresh).get("/api/v1/payments").then().statusCode(200);
    String newer =
        Api.as(m[1], fresh)
            .post("/api/v1/merchants/me/rotate-secret")
            .then()
            .statusCode(200)
            .extract()
            .path("api_secret");
    // The announcements number the rotations, so that the other services keep the newest.
    Map<Long, String> announced = new HashMap<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              for (EventEnvelope e : StreamReader.events(streams, Streams.MERCHANT_EVENTS)) {
                if (e.type() == EventType.MERCHANT_CREDENTIALS_ROTATED
                    && m[0].equals(e.merchantId())) {
                  MerchantCredentials c = MerchantCredentials.fromEventData(e.data());
                  announced.put(c.credentialsVersion(), c.apiSecretHash());
                }
              }
              return announced.size() == 2;
            });
    assertEquals(Map.of(1L, ApiSecrets.hash(fresh), 2L, ApiSecrets.hash(newer)), announced);
  }

  /** A POST sent without waiting, with {@code headers} as name, value, name, value… */
  private static CompletableFuture<HttpResponse<String>> post(
      HttpClient client, String path, String body, String... headers) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
            .headers(headers)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private MerchantCredentials awaitAnnounced(String merchantId) {
    MerchantCredentials[] found = new MerchantCredentials[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              for (EventEnvelope e : StreamReader.events(streams, Streams.MERCHANT_EVENTS)) {
                if (e.type() == EventType.MERCHANT_CREATED && merchantId.equals(e.merchantId())) {
                  found[0] = MerchantCredentials.fromEventData(e.data());
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }
}
