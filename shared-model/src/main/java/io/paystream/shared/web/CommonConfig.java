package io.paystream.shared.web;

import io.paystream.shared.config.Flag;
import io.paystream.shared.config.WholeInt;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.Converter;

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

  Server server();

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

  /**
   * The variables that set Quarkus' own settings, read here strictly: each service's {@code
   * application.properties} maps them onto these and points Quarkus' settings at these, so that a
   * bad value stops the service naming the variable. Quarkus alone reads {@code LOG_JSON=ture} as
   * false with a warning, and names its own property for {@code PORT=abc} ({@code
   * quarkus.http.port}) or fails deep in its start-up for {@code PORT=70000} or {@code
   * DB_POOL_SIZE=0}.
   */
  interface Server {
    /** {@code PORT}: the HTTP port. */
    @WithConverter(Port.class)
    int port();

    /** {@code EVENT_LOOPS}: Vert.x event-loop threads. */
    @WithDefault("2")
    @WithConverter(EventLoops.class)
    int eventLoops();

    /** {@code DB_POOL_SIZE}: reactive PostgreSQL connections at most. */
    @WithDefault("16")
    @WithConverter(DbPoolSize.class)
    int dbPoolSize();

    /** {@code ACCESS_LOG}: a line per request. */
    @WithDefault("true")
    @WithConverter(AccessLog.class)
    boolean accessLog();

    /** {@code LOG_JSON}: log lines as JSON objects rather than text. */
    @WithDefault("true")
    @WithConverter(LogJson.class)
    boolean logJson();
  }

  /** Requests per second per merchant, per instance. */
  interface RateLimit {
    /**
     * Sustained rate ({@code RATE_LIMIT_PER_SECOND}); 0 turns limiting off. Never below 100: the
     * service refuses to start with less.
     */
    @WithDefault("1000")
    @WithConverter(PerSecond.class)
    double perSecond();

    /** Requests allowed at once ({@code RATE_LIMIT_BURST}); at least 100. */
    @WithDefault("2000")
    @WithConverter(Burst.class)
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

  /** {@code PORT}: 1 to 65535. */
  final class Port extends WholeInt {
    public Port() {
      super("PORT", 1, 65_535);
    }
  }

  /** {@code EVENT_LOOPS}: at least 1. */
  final class EventLoops extends WholeInt {
    public EventLoops() {
      super("EVENT_LOOPS", 1, Integer.MAX_VALUE);
    }
  }

  /** {@code DB_POOL_SIZE}: at least 1. */
  final class DbPoolSize extends WholeInt {
    public DbPoolSize() {
      super("DB_POOL_SIZE", 1, Integer.MAX_VALUE);
    }
  }

  /** {@code ACCESS_LOG}, read strictly. */
  final class AccessLog extends Flag {
    public AccessLog() {
      super("ACCESS_LOG");
    }
  }

  /** {@code LOG_JSON}, read strictly. */
  final class LogJson extends Flag {
    public LogJson() {
      super("LOG_JSON");
    }
  }

  /**
   * A rate limit's number: digits with an optional fraction ({@code 1000}, {@code 150.5}); its
   * floor of 100 is checked where the limiter is made, since it depends on both settings. The
   * configuration library's own reading takes {@code NaN}, {@code Infinity} and {@code 0x1p10} too,
   * and names its property, not the variable, for {@code abc}.
   */
  abstract class RateNumber implements Converter<Double> {
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?");
    private final String variable;

    RateNumber(String variable) {
      this.variable = variable;
    }

    @Override
    public Double convert(String value) {
      String v = value.strip();
      if (!NUMBER.matcher(v).matches()) {
        throw new IllegalArgumentException(
            variable + " must be a number (such as 1000 or 150.5), not \"" + value + "\"");
      }
      return Double.valueOf(v);
    }
  }

  /** {@code RATE_LIMIT_PER_SECOND}, a number. */
  final class PerSecond extends RateNumber {
    public PerSecond() {
      super("RATE_LIMIT_PER_SECOND");
    }
  }

  /** {@code RATE_LIMIT_BURST}, a number. */
  final class Burst extends RateNumber {
    public Burst() {
      super("RATE_LIMIT_BURST");
    }
  }
}
