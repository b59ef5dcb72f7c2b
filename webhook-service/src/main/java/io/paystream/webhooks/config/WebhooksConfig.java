package io.paystream.webhooks.config;

import io.paystream.shared.config.Flag;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * webhook-service settings; the environment names of the API docs map onto these. Those of them
 * that are true-or-false ({@link Flag}) or the delivery log's retention are read strictly: a
 * mistyped or out-of-range value stops the service at start, naming the variable.
 */
@ConfigMapping(prefix = "paystream")
public interface WebhooksConfig {
  /** This instance's name: its consumer name in every group, and its name in heartbeats. */
  String instanceId();

  Delivery delivery();

  Consumer consumer();

  /** How deliveries are attempted. */
  interface Delivery {
    /** {@code WEBHOOK_ALLOW_PRIVATE_TARGETS}: allow loopback, private and link-local targets. */
    @WithDefault("false")
    @WithConverter(AllowPrivateTargets.class)
    boolean allowPrivateTargets();

    /** {@code WEBHOOK_RETRY_INTERVALS_TEST}: the 5/10/15/20 s schedule. */
    @WithDefault("false")
    @WithConverter(RetryIntervalsTest.class)
    boolean retryIntervalsTest();

    /**
     * An attempt that has no answer's status within this is a failed attempt; the body of one that
     * has is read until then at most.
     */
    @WithDefault("5s")
    Duration timeout();

    /** Attempts this instance makes at once, over all endpoints. */
    @WithDefault("2000")
    int maxInFlight();

    /** Attempts this instance makes at once to one endpoint. */
    @WithDefault("64")
    int maxInFlightPerEndpoint();

    /**
     * Attempts this instance makes at once to one merchant's endpoints; by default half of {@code
     * max-in-flight}, so that a merchant whose many endpoints hang (a platform's shared receiver
     * down) never holds the slots other merchants' deliveries need.
     */
    OptionalInt maxInFlightPerMerchant();

    /**
     * HTTP connections this instance keeps open to one host and port; by default as many as its
     * attempts in flight, so that endpoints sharing a host (a receiving service many merchants use)
     * never wait for each other's connections: each is held to its own share of attempts instead.
     */
    OptionalInt maxConnectionsPerHost();

    /** How long an instance holds a delivery it attempts before another may take it over. */
    @WithDefault("30s")
    Duration lease();

    /** How often due deliveries are looked for without being woken (other instances' work). */
    @WithDefault("1s")
    Duration pollInterval();

    /** Deliveries taken per claim. */
    @WithDefault("200")
    int claimBatch();

    /** How long the previous signing secret keeps signing after a rotation. */
    @WithDefault("24h")
    Duration secretOverlap();

    /**
     * How often this instance reports its heartbeat: half a second, so that the counts {@code
     * /api/v1/test/jobs/status} serves from it are under a second old (while a report takes under
     * half a second to read and add).
     */
    @WithDefault("500ms")
    Duration heartbeatInterval();

    /**
     * How long finished deliveries and their attempts stay in the log ({@code DELIVERY_RETENTION});
     * never less than 2 days, so that an event re-driven from an outbox (kept 24 h) still finds its
     * delivery and is not sent twice: less stops the service at start.
     */
    @WithDefault("30d")
    @WithConverter(DeliveryRetention.class)
    Duration retention();
  }

  /** The event stream consumers. */
  interface Consumer {
    /** Events one consumer handles at once. */
    @WithDefault("2000")
    int maxInFlight();

    /** How long an event sits unacknowledged before another instance takes it over. */
    @WithDefault("15s")
    Duration claimMinIdle();

    /** How often pending events are looked at (and ours kept fresh). */
    @WithDefault("3s")
    Duration claimInterval();
  }

  /** {@code WEBHOOK_ALLOW_PRIVATE_TARGETS}, read strictly. */
  final class AllowPrivateTargets extends Flag {
    public AllowPrivateTargets() {
      super("WEBHOOK_ALLOW_PRIVATE_TARGETS");
    }
  }

  /** {@code WEBHOOK_RETRY_INTERVALS_TEST}, read strictly. */
  final class RetryIntervalsTest extends Flag {
    public RetryIntervalsTest() {
      super("WEBHOOK_RETRY_INTERVALS_TEST");
    }
  }

  /**
   * {@code DELIVERY_RETENTION}: a duration as Quarkus reads one ({@code 30d}, {@code 72h}, {@code
   * P30D}), of at least 2 days. A bare number is seconds, so {@code 30} meant as days is refused
   * here rather than kept for 2 days.
   */
  final class DeliveryRetention implements Converter<Duration> {
    /** The shortest retention: an outbox's re-drive window (24 h) and a day of margin. */
    private static final Duration MIN = Duration.ofDays(2);

    @Override
    public Duration convert(String value) {
      Duration retention;
      try {
        retention = DurationConverter.parseDuration(value.strip());
      } catch (RuntimeException notADuration) {
        retention = null;
      }
      if (retention == null || retention.compareTo(MIN) < 0) {
        throw new IllegalArgumentException(
            "DELIVERY_RETENTION must be a duration of at least 2 days (30d, 72h), not \""
                + value
                + "\"");
      }
      return retention;
    }
  }
}
