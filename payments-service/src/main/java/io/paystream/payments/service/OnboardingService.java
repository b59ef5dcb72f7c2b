package io.paystream.payments.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.Merchant;
import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.repository.MerchantRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.event.EventType;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.idempotency.StoredResponse;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.time.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Creating merchants: onboarding behind {@code ADMIN_TOKEN}, and the test merchant on first start.
 * Either way the merchant and its {@code merchant.created} event are written together.
 */
@ApplicationScoped
public class OnboardingService {
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What the operator's {@code Idempotency-Key}s are stored under, in place of a merchant: the nil
   * UUID, which no merchant has.
   */
  static final UUID OPERATOR_SCOPE = new UUID(0, 0);

  private final DatabaseClock clock;
  private final MerchantRepository merchants;
  private final SecretBox secretBox;
  private final OutboxRelay relay;
  private final ApiKeyAuthenticator authenticator;
  private final PaymentsConfig config;
  private final PasswordChecks passwords;
  private final IdempotentRun idempotent;
  private final CredentialsReach reach;
  private final Vertx vertx;

  public OnboardingService(
      MerchantRepository merchants,
      SecretBox secretBox,
      OutboxRelay relay,
      ApiKeyAuthenticator authenticator,
      PaymentsConfig config,
      PasswordChecks passwords,
      IdempotentRun idempotent,
      CredentialsReach reach,
      Vertx vertx,
      DatabaseClock clock) {
    this.clock = clock;
    this.merchants = merchants;
    this.secretBox = secretBox;
    this.relay = relay;
    this.authenticator = authenticator;
    this.config = config;
    this.passwords = passwords;
    this.idempotent = idempotent;
    this.reach = reach;
    this.vertx = vertx;
  }

  /**
   * Creates a merchant with fresh credentials; answers with them, in full, this once (or again to a
   * replay of the same request under its {@code Idempotency-Key}: the stored response is sealed, as
   * every secret at rest is), once the other services hold them too ({@link CredentialsReach}). The
   * admin token is checked before anything else is read.
   */
  public Uni<ApiResponse> onboard(
      String adminToken, String idempotencyKey, byte[] rawBody, String path, String requestId) {
    String expected = config.adminToken().filter(t -> !t.isBlank()).orElse(null);
    if (expected == null) {
      throw ApiException.notFound("Merchant onboarding is not enabled");
    }
    if (adminToken == null
        || !MessageDigest.isEqual(
            adminToken.getBytes(StandardCharsets.UTF_8),
            expected.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(ErrorCode.AUTHENTICATION_ERROR, "Invalid admin token");
    }
    String key = IdempotencyKeys.validate(idempotencyKey);
    ObjectNode body = Json.parseRequest(rawBody);
    byte[] fingerprint = idempotent.fingerprint("POST", path, body);
    return idempotent.runSealed(
        OPERATOR_SCOPE, key, fingerprint, storing -> create(body, storing, requestId));
  }

  private Uni<ApiResponse> create(
      ObjectNode body, IdempotentRun.Storing storing, String requestId) {
    String name = MerchantFields.text(body, "name", 1, 100);
    String email = MerchantFields.text(body, "email", 3, 254);
    if (!EMAIL.matcher(email).matches()) {
      throw ApiException.badRequest("email is invalid", "email");
    }
    String password = MerchantFields.password(body, 8);
    String apiKey = ApiSecrets.newApiKey();
    String apiSecret = ApiSecrets.newApiSecret();
    String webhookSecret = newWebhookSecret();
    Instant now = clock.now();
    UUID id = UUID.randomUUID();
    JsonWriter w = new JsonWriter().beginObject();
    w.name("id").value(id.toString()).name("name").value(name).name("email").value(email);
    w.name("api_key").value(apiKey).name("api_secret").value(apiSecret);
    w.name("webhook_secret").value(webhookSecret);
    byte[] response = w.name("created_at").value(Timestamps.format(now)).endObject().toBytes();
    return passwords
        .hash(password)
        .chain(
            passwordHash -> {
              Merchant m =
                  new Merchant(
                      id,
                      name,
                      email,
                      apiKey,
                      secretBox.seal(apiSecret),
                      passwordHash,
                      false,
                      now,
                      0);
              return insert(
                  m, apiSecret, webhookSecret, requestId, storing.response(201, response));
            })
        .chain(
            eventId -> {
              if (eventId == null) {
                throw ApiException.badRequest("email is already registered", "email");
              }
              return reach.await(eventId).replaceWith(ApiResponse.created(response));
            });
  }

  /** Creates and announces the test merchant unless it exists. */
  public Uni<Void> seedTestMerchant() {
    return merchants
        .byId(Merchant.TEST_ID)
        .chain(
            existing -> {
              if (existing != null) {
                return Uni.createFrom().voidItem();
              }
              return passwords
                  .hash(Merchant.TEST_PASSWORD)
                  .chain(
                      passwordHash -> {
                        Merchant m =
                            new Merchant(
                                Merchant.TEST_ID,
                                Merchant.TEST_NAME,
                                Merchant.TEST_EMAIL,
                                Merchant.TEST_API_KEY,
                                secretBox.seal(Merchant.TEST_API_SECRET),
                                passwordHash,
                                true,
                                clock.now(),
                                0);
                        return insert(
                            m, Merchant.TEST_API_SECRET, Merchant.TEST_WEBHOOK_SECRET, null, null);
                      })
                  // A request that came before the seed may have cached the key as unknown.
                  .invoke(() -> authenticator.invalidate(Merchant.TEST_API_KEY))
                  .replaceWithVoid();
            });
  }

  /** Inserts the merchant and announces it; emits the event's id, or {@code null} if it exists. */
  private Uni<String> insert(
      Merchant m,
      String apiSecret,
      String webhookSecret,
      String requestId,
      StoredResponse response) {
    OutboxSql events =
        new OutboxSql(m.id().toString(), requestId, m.createdAt())
            .add(
                Streams.MERCHANT_EVENTS,
                EventType.MERCHANT_CREATED,
                MerchantFields.credentials(m, apiSecret, secretBox.seal(webhookSecret), 0)
                    ::writeEventData);
    return merchants
        .insert(m, ApiSecrets.parseHash(ApiSecrets.hash(apiSecret)), events, response)
        // An insert whose answer was lost is looked for: the credentials it made are shown in
        // full only in this answer, and sent again, the request would find the email taken.
        .plug(
            InDoubt.lookedUp(
                vertx,
                new InDoubt.Subject(
                    "merchant " + m.id(),
                    "created",
                    "Log in as it (POST /api/v1/auth/login, 401 if it was not) to tell"),
                () -> merchants.byId(m.id()).map(Objects::nonNull),
                true))
        .invoke(inserted -> relay.kick())
        .map(inserted -> inserted ? events.eventIds().get(0) : null);
  }

  /** A new webhook signing secret: {@code whsec_} and the base64 of 32 random bytes. */
  public static String newWebhookSecret() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return "whsec_" + Base64.getEncoder().encodeToString(raw);
  }
}
