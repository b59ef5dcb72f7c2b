package io.paystream.payments.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.Merchant;
import io.paystream.payments.config.PaymentsConfig;
import io.paystream.payments.repository.MerchantRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.error.ErrorCode;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.outbox.OutboxRelay;
import io.paystream.shared.outbox.OutboxSql;
import io.paystream.shared.security.ApiKeyAuthenticator;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/** Merchant onboarding, dashboard login, secret rotation and the test merchant. */
@ApplicationScoped
public class MerchantService {
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Verified against when the email is unknown, so both answers take as long. */
  private static final String DUMMY_HASH = BcryptUtil.bcryptHash("not-a-real-password");

  private final MerchantRepository merchants;
  private final SecretBox secretBox;
  private final OutboxRelay relay;
  private final ApiKeyAuthenticator authenticator;
  private final PaymentsConfig config;

  public MerchantService(
      MerchantRepository merchants,
      SecretBox secretBox,
      OutboxRelay relay,
      ApiKeyAuthenticator authenticator,
      PaymentsConfig config) {
    this.merchants = merchants;
    this.secretBox = secretBox;
    this.relay = relay;
    this.authenticator = authenticator;
    this.config = config;
  }

  /** Creates a merchant with fresh credentials; answers with them, in full, this once. */
  public Uni<ApiResponse> onboard(String adminToken, ObjectNode body, String requestId) {
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
    String name = text(body, "name", 1, 100);
    String email = text(body, "email", 3, 254);
    if (!EMAIL.matcher(email).matches()) {
      throw ApiException.badRequest("email is invalid", "email");
    }
    String password = password(body, 8);
    String apiKey = ApiSecrets.newApiKey();
    String apiSecret = ApiSecrets.newApiSecret();
    String webhookSecret = newWebhookSecret();
    Instant now = Timestamps.now();
    UUID id = UUID.randomUUID();
    return hash(password)
        .chain(
            passwordHash -> {
              Merchant m =
                  new Merchant(
                      id, name, email, apiKey, secretBox.seal(apiSecret), passwordHash, false, now);
              return insert(m, apiSecret, webhookSecret, requestId);
            })
        .map(
            inserted -> {
              if (!inserted) {
                throw ApiException.badRequest("email is already registered", "email");
              }
              JsonWriter w = new JsonWriter().beginObject();
              w.name("id").value(id.toString()).name("name").value(name).name("email").value(email);
              w.name("api_key").value(apiKey).name("api_secret").value(apiSecret);
              w.name("webhook_secret").value(webhookSecret);
              w.name("created_at").value(Timestamps.format(now));
              return ApiResponse.created(w.endObject().toBytes());
            });
  }

  /** Checks a dashboard login; answers with the merchant and its key and secret. */
  public Uni<ApiResponse> login(ObjectNode body) {
    String email = text(body, "email", 1, 254);
    String password = password(body, 1);
    return merchants
        .byEmail(email)
        .chain(
            m ->
                verify(password, m == null ? DUMMY_HASH : m.passwordHash())
                    .map(
                        ok -> {
                          if (m == null || !ok) {
                            throw new ApiException(
                                ErrorCode.AUTHENTICATION_ERROR, "Invalid email or password");
                          }
                          return ApiResponse.ok(
                              merchantWithCredentials(m, secretBox.open(m.apiSecretSealed())));
                        }));
  }

  /** Replaces the caller's API secret; the old one stops working. */
  public Uni<ApiResponse> rotateSecret(Caller caller, String apiKey) {
    String secret = ApiSecrets.newApiSecret();
    return merchants
        .byId(caller.merchantId())
        .chain(
            m -> {
              OutboxSql events =
                  new OutboxSql(m.id().toString(), caller.requestId())
                      .add(
                          Streams.MERCHANT_EVENTS,
                          EventType.MERCHANT_CREDENTIALS_ROTATED,
                          credentials(m, secret, null)::writeEventData);
              return merchants
                  .replaceSecret(
                      m.id(),
                      ApiSecrets.parseHash(ApiSecrets.hash(secret)),
                      secretBox.seal(secret),
                      events)
                  .map(
                      ok -> {
                        authenticator.invalidate(apiKey);
                        relay.kick();
                        return ApiResponse.ok(merchantWithCredentials(m, secret));
                      });
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
              return hash(Merchant.TEST_PASSWORD)
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
                                Timestamps.now());
                        return insert(
                            m, Merchant.TEST_API_SECRET, Merchant.TEST_WEBHOOK_SECRET, null);
                      })
                  .replaceWithVoid();
            });
  }

  private Uni<Boolean> insert(
      Merchant m, String apiSecret, String webhookSecret, String requestId) {
    OutboxSql events =
        new OutboxSql(m.id().toString(), requestId)
            .add(
                Streams.MERCHANT_EVENTS,
                EventType.MERCHANT_CREATED,
                credentials(m, apiSecret, secretBox.seal(webhookSecret))::writeEventData);
    return merchants
        .insert(m, ApiSecrets.parseHash(ApiSecrets.hash(apiSecret)), events)
        .invoke(inserted -> relay.kick());
  }

  private static MerchantCredentials credentials(
      Merchant m, String apiSecret, String sealedWebhookSecret) {
    return new MerchantCredentials(
        m.id().toString(),
        m.name(),
        m.apiKey(),
        ApiSecrets.hash(apiSecret),
        sealedWebhookSecret,
        m.createdAt());
  }

  private static byte[] merchantWithCredentials(Merchant m, String apiSecret) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("id")
        .value(m.id().toString())
        .name("name")
        .value(m.name())
        .name("email")
        .value(m.email());
    w.name("api_key").value(m.apiKey()).name("api_secret").value(apiSecret);
    w.name("created_at").value(Timestamps.format(m.createdAt()));
    return w.endObject().toBytes();
  }

  /** A new webhook signing secret: {@code whsec_} and the base64 of 32 random bytes. */
  public static String newWebhookSecret() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return "whsec_" + Base64.getEncoder().encodeToString(raw);
  }

  private static Uni<String> hash(String password) {
    return Uni.createFrom()
        .item(() -> BcryptUtil.bcryptHash(password))
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  private static Uni<Boolean> verify(String password, String hash) {
    return Uni.createFrom()
        .item(() -> BcryptUtil.matches(password, hash))
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  /** The password exactly as given (never trimmed). */
  private static String password(ObjectNode body, int min) {
    JsonNode v = body.get("password");
    if (v == null || v.isNull()) {
      throw ApiException.badRequest("password is required", "password");
    }
    if (!v.isTextual() || v.textValue().length() < min || v.textValue().length() > 128) {
      throw ApiException.badRequest(
          "password must be a string of " + min + " to 128 characters", "password");
    }
    return v.textValue();
  }

  private static String text(ObjectNode body, String field, int min, int max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.badRequest(field + " is required", field);
    }
    if (!v.isTextual() || v.textValue().isBlank()) {
      throw ApiException.badRequest(field + " must be a non-empty string", field);
    }
    String s = v.textValue().trim();
    if (s.length() < min || s.length() > max) {
      throw ApiException.badRequest(
          field + " must be " + min + " to " + max + " characters long", field);
    }
    return s;
  }
}
