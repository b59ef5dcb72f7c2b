package io.paystream.refunds.config;

import io.paystream.shared.config.Flag;
import io.paystream.shared.config.TestProcessing;
import io.paystream.shared.config.WholeNumber;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * refund-service settings; the environment names of the API docs map onto these. Those of them that
 * are true-or-false or whole numbers are read strictly ({@link Flag}, {@link WholeNumber}): a
 * mistyped or out-of-range value stops the service at start, naming the variable.
 */
@ConfigMapping(prefix = "paystream")
public interface RefundsConfig {
  /** This instance's name: its consumer name in every group, and its name in heartbeats. */
  String instanceId();

  Processing processing();

  Worker worker();

  Projection projection();

  /** How long refunds take to process. */
  interface Processing {
    /** {@code TEST_MODE}: a fixed delay. */
    @WithDefault("false")
    @WithConverter(TestProcessing.Mode.class)
    boolean testMode();

    /** {@code TEST_PROCESSING_DELAY}, milliseconds, at most an hour. */
    @WithDefault("1000")
    @WithConverter(TestProcessing.Delay.class)
    long testDelay();

    /** Shortest processing delay in normal mode. */
    @WithDefault("3s")
    Duration minDelay();

    /** Longest processing delay in normal mode. */
    @WithDefault("5s")
    Duration maxDelay();
  }

  /** The refund worker. */
  interface Worker {
    /** Refunds one instance holds waiting for their processing delay. */
    @WithDefault("20000")
    int maxInFlight();

    /** How long a job sits unacknowledged before another instance takes it over. */
    @WithDefault("15s")
    Duration claimMinIdle();

    /** How often pending jobs are looked at (and ours kept fresh). */
    @WithDefault("3s")
    Duration claimInterval();

    /** How long past its due time a pending refund waits before the sweeper finishes it. */
    @WithDefault("30s")
    Duration sweepGrace();

    /** How often the sweeper looks for overdue refunds in PostgreSQL. */
    @WithDefault("5s")
    Duration sweepInterval();

    /**
     * How often this instance reports its heartbeat: half a second, so that the counts {@code
     * /api/v1/test/jobs/status} serves from it are under a second old (while a report takes under
     * half a second to read and add).
     */
    @WithDefault("500ms")
    Duration heartbeatInterval();
  }

  /** The merchant and payment projections. */
  interface Projection {
    /**
     * How long a request waits for a payment event this instance has not seen yet (read-your-writes
     * across services) before answering as it stands.
     */
    @WithDefault("2s")
    Duration maxWait();

    /**
     * Requests of one merchant that may wait so at once, per instance; one more gets 429. Each
     * reads the projection about a dozen times while it waits, so without a bound requests about
     * payments that do not exist would multiply a merchant's rate limit in database reads. 256
     * waiting 2 s each still lets 128 a second through, above the contract's floor of 100.
     */
    @WithDefault("256")
    int maxWaitingPerMerchant();

    /** {@code PROJECTION_REBUILD}: replay the merchant and payment streams from their start. */
    @WithDefault("false")
    @WithConverter(ProjectionRebuildFlag.class)
    boolean rebuild();

    /** How long applied event ids are remembered (replays older than this are merged again). */
    @WithDefault("48h")
    Duration eventRetention();
  }

  /** {@code PROJECTION_REBUILD}, read strictly (not the messaging bean that rebuilds). */
  final class ProjectionRebuildFlag extends Flag {
    public ProjectionRebuildFlag() {
      super("PROJECTION_REBUILD");
    }
  }
}
