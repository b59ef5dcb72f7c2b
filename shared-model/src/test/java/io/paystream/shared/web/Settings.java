package io.paystream.shared.web;

import java.time.Duration;
import java.util.Optional;

/** {@link CommonConfig} of given values, for tests of what the producers make of them. */
record Settings(
    Optional<String> encryptionKey,
    boolean requireEncryptionKey,
    CommonConfig.RateLimit rateLimit,
    CommonConfig.Outbox outbox)
    implements CommonConfig {

  record Limit(double perSecond, double burst) implements CommonConfig.RateLimit {}

  record Relay(Duration retention, Duration pollInterval, long streamHistory)
      implements CommonConfig.Outbox {}

  /** Any name may call (the default). */
  @Override
  public CommonConfig.Http http() {
    return () -> false;
  }

  /** Read by Quarkus' own settings, never by the producers. */
  @Override
  public CommonConfig.Server server() {
    throw new UnsupportedOperationException("the producers do not read the server's settings");
  }

  /** The defaults, but for the encryption key. */
  static Settings encryption(String key, boolean required) {
    return new Settings(Optional.ofNullable(key), required, defaultLimit(), defaultRelay());
  }

  /** The defaults, but for the rate limit. */
  static Settings rateLimit(double perSecond, double burst) {
    return new Settings(Optional.empty(), false, new Limit(perSecond, burst), defaultRelay());
  }

  /** The defaults, but for the streams' history. */
  static Settings streamHistory(long entries) {
    return new Settings(
        Optional.empty(),
        false,
        defaultLimit(),
        new Relay(Duration.ofHours(24), Duration.ofMillis(50), entries));
  }

  private static Limit defaultLimit() {
    return new Limit(1000, 2000);
  }

  private static Relay defaultRelay() {
    return new Relay(Duration.ofHours(24), Duration.ofMillis(50), 1_000_000);
  }
}
