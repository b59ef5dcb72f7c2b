package io.paystream.shared.web;

import io.paystream.shared.config.Flag;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings every service reads the same way; each service maps its own beside these. A
 * true-or-false setting is read strictly ({@link Flag}): a mistyped value stops the service at
 * start.
 */
@ConfigMapping(prefix = "paystream")
public interface CommonConfig {
  /**
   * {@code ENCRYPTION_KEY}: base64 of 32 bytes, the same in every service; empty: development key.
   */
  Optional<String> encryptionKey();

  /**
   * {@code REQUIRE_ENCRYPTION_KEY}: refuse to start without {@code ENCRYPTION_KEY}, rather than
   * fall back to the public development key (production manifests set it).
   */
  @WithDefault("false")
  @WithConverter(RequireEncryptionKey.class)
  boolean requireEncryptionKey();

  RateLimit rateLimit();

  Http http();

  Outbox outbox();

  /** Who may call this service over HTTP. */
  interface Http {
    /**
     * {@code PAYSTREAM_HTTP_LOCAL_NAMES_ONLY}: answer only requests whose {@code Host} names this
     * machine ({@link LocalNames}); the local run sets it while it listens on loopback only.
     */
    @WithDefault("false")
    @WithConverter(LocalNamesOnly.class)
    boolean localNamesOnly();
  }

  /** Requests per second per merchant, per instance. */
  interface RateLimit {
    /**
     * Sustained rate ({@code RATE_LIMIT_PER_SECOND}); 0 turns limiting off. Never below 100: the
     * service refuses to start with less.
     */
    @WithDefault("1000")
    double perSecond();

    /** Requests allowed at once ({@code RATE_LIMIT_BURST}); at least 100. */
    @WithDefault("2000")
    double burst();
  }

  /** The transactional outbox of services that publish events. */
  interface Outbox {
    /** How long published events are kept for re-drive after Redis loses data. */
    @WithDefault("24h")
    Duration retention();

    /** How often the relay looks for events without being kicked (and a standby asks to lead). */
    @WithDefault("50ms")
    Duration pollInterval();

    /**
     * How many entries each stream this service publishes keeps once every consumer group has read
     * them, for a group created later (a new service) to read from the start. Entries a group has
     * not acknowledged are kept whatever this says. Redis memory grows with it: payment events take
     * about 0.7 KB each.
     */
    @WithDefault("1000000")
    long streamHistory();
  }

  /** {@code REQUIRE_ENCRYPTION_KEY}, read strictly. */
  final class RequireEncryptionKey extends Flag {
    public RequireEncryptionKey() {
      super("REQUIRE_ENCRYPTION_KEY");
    }
  }

  /** {@code PAYSTREAM_HTTP_LOCAL_NAMES_ONLY}, read strictly. */
  final class LocalNamesOnly extends Flag {
    public LocalNamesOnly() {
      super("PAYSTREAM_HTTP_LOCAL_NAMES_ONLY");
    }
  }
}
