package io.paystream.payments.config;

import io.paystream.shared.config.Flag;
import io.paystream.shared.config.TestProcessing;
import io.paystream.shared.config.WholeInt;
import io.paystream.shared.config.WholeNumber;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * payments-service settings; the environment names of the API docs map onto these. Those of them
 * that are true-or-false or whole numbers are read strictly ({@link Flag}, {@link WholeNumber}): a
 * mistyped or out-of-range value stops the service at start, naming the variable.
 */
@ConfigMapping(prefix = "paystream")
public interface PaymentsConfig {
  /** This instance's name: its consumer name in every group, and its name in heartbeats. */
  String instanceId();

  /** {@code ADMIN_TOKEN}: enables merchant onboarding; empty turns it off. */
  Optional<String> adminToken();

  /**
   * {@code SEED_TEST_MERCHANT}: whether the test merchant is created (and announced) on first
   * start.
   */
  @WithDefault("true")
  @WithConverter(SeedTestMerchant.class)
  boolean seedTestMerchant();

  /**
   * The longest onboarding and an API secret rotation wait, before answering, for every service
   * that reads merchant events to hold the new credentials.
   */
  @WithDefault("2s")
  Duration credentialsReachWait();

  Processing processing();

  Passwords passwords();

  /** Password hashes and checks (bcrypt), which logins reach without credentials. */
  interface Passwords {
    /** How many run at once ({@code PASSWORD_CHECKS_PARALLEL}). */
    @WithDefault("1")
    @WithConverter(PasswordChecksParallel.class)
    int parallel();

    /** How many more wait; beyond that a login is refused with 429. */
    @WithDefault("64")
    int maxWaiting();

    /** Failed logins one account may have within {@link #failureWindow}, on all instances. */
    @WithDefault("10")
    int maxFailures();

    /** The window of {@link #maxFailures}, from the first failure in it. */
    @WithDefault("15m")
    Duration failureWindow();
  }

  Worker worker();

  /** How payments are processed by the simulated bank. */
  interface Processing {
    /** {@code TEST_MODE}: a fixed delay and outcome. */
    @WithDefault("false")
    @WithConverter(TestProcessing.Mode.class)
    boolean testMode();

    /** {@code TEST_PROCESSING_DELAY}, milliseconds, at most an hour. */
    @WithDefault("1000")
    @WithConverter(TestProcessing.Delay.class)
    long testDelay();

    /** {@code TEST_PAYMENT_SUCCESS}: the outcome in test mode. */
    @WithDefault("true")
    @WithConverter(TestPaymentSuccess.class)
    boolean testSuccess();

    /** Shortest bank delay in normal mode. */
    @WithDefault("5s")
    Duration minDelay();

    /** Longest bank delay in normal mode. */
    @WithDefault("10s")
    Duration maxDelay();

    /** Chance that a UPI payment succeeds in normal mode. */
    @WithDefault("0.90")
    double upiSuccessRate();

    /** Chance that a card payment succeeds in normal mode. */
    @WithDefault("0.95")
    double cardSuccessRate();
  }

  /** The payment worker. */
  interface Worker {
    /** Payments one instance holds waiting for their bank delay. */
    @WithDefault("20000")
    int maxInFlight();

    /** How long a job sits unacknowledged before another instance takes it over. */
    @WithDefault("15s")
    Duration claimMinIdle();

    /** How often pending jobs are looked at (and ours kept fresh). */
    @WithDefault("3s")
    Duration claimInterval();

    /** How long past its due time a pending payment waits before the sweeper finishes it. */
    @WithDefault("30s")
    Duration sweepGrace();

    /** How often the sweeper looks for overdue payments in PostgreSQL. */
    @WithDefault("5s")
    Duration sweepInterval();

    /**
     * How often this instance reports its heartbeat: half a second, so that the counts {@code
     * /api/v1/test/jobs/status} serves from it are under a second old (while a report takes under
     * half a second to read and add). Keep it well below refund-service's {@code
     * paystream.projection.max-wait} (2 s): while no instance has reported for that long,
     * refund-service cannot tell that the payment events committed before a request were published,
     * and answers a payment it has not seen with 503 rather than 404.
     */
    @WithDefault("500ms")
    Duration heartbeatInterval();
  }

  /** {@code SEED_TEST_MERCHANT}, read strictly. */
  final class SeedTestMerchant extends Flag {
    public SeedTestMerchant() {
      super("SEED_TEST_MERCHANT");
    }
  }

  /** {@code TEST_PAYMENT_SUCCESS}, read strictly. */
  final class TestPaymentSuccess extends Flag {
    public TestPaymentSuccess() {
      super("TEST_PAYMENT_SUCCESS");
    }
  }

  /** {@code PASSWORD_CHECKS_PARALLEL}: at least 1 (with none, no login could be checked). */
  final class PasswordChecksParallel extends WholeInt {
    public PasswordChecksParallel() {
      super("PASSWORD_CHECKS_PARALLEL", 1, Integer.MAX_VALUE);
    }
  }
}
