package io.paystream.e2e;

import static io.paystream.e2e.Manifests.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service whose {@code DATABASE_URL} is wrong for good (a wrong password, an unknown host) must
 * give up on its migrations' connection, and exit saying why, before the kubelet's startup probe
 * kills it without a word; and one started during a short outage must still wait for it. Read from
 * the base manifests and the services' settings (no kubectl: the overlays keep the base's probes,
 * which KubernetesManifestsTest checks where kubectl is installed).
 */
class StartupBudgetTest {
  /** What a service needs once the database answers at the last try: to migrate and start. */
  static final Duration START_AND_MIGRATE = Duration.ofSeconds(60);

  /** The least a service waits for a database that is down when it starts. */
  static final Duration LEAST_WAIT = Duration.ofSeconds(30);

  @ParameterizedTest
  @ValueSource(strings = {"payments-service", "refund-service", "webhook-service"})
  void migrationsGiveUpWithinTheStartupProbesBudget(String service) throws Exception {
    JsonNode deployment =
        find(
            Yaml.all(Files.readString(Stack.ROOT.resolve("deploy/k8s/base/" + service + ".yaml"))),
            "Deployment",
            service);
    JsonNode probe =
        deployment.path("spec").path("template").path("spec").path("containers").path(0);
    Duration budget = budget(probe.path("startupProbe"));
    FlywayRetryWindow window = FlywayRetryWindow.of(service);
    assertTrue(
        window.longest().plus(START_AND_MIGRATE).compareTo(budget) <= 0,
        service
            + ": its migrations try for up to "
            + window.longest().toSeconds()
            + " s ("
            + window
            + "), and need "
            + START_AND_MIGRATE.toSeconds()
            + " s more to start, but the startup probe kills it after "
            + budget.toSeconds()
            + " s");
    assertTrue(
        window.sleeps().compareTo(LEAST_WAIT) >= 0,
        service + " waits only " + window.sleeps().toSeconds() + " s for its database at start");
  }

  /** The model against Flyway's own schedule: 60 retries 2 s apart slept 119 s. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 60})
  void theSleepsFollowFlywaysBackoff(int retries) {
    long expected = retries == 0 ? 0 : 1 + 2L * (retries - 1);
    assertEquals(
        expected,
        new FlywayRetryWindow(retries, Duration.ofSeconds(2), Duration.ofSeconds(5))
            .sleeps()
            .toSeconds());
  }

  /** How long the kubelet waits for a container to start: the probe's period times its failures. */
  static Duration budget(JsonNode startupProbe) {
    assertTrue(startupProbe.isObject(), "a startup probe");
    return Duration.ofSeconds(
        startupProbe.path("initialDelaySeconds").asLong(0)
            + startupProbe.path("periodSeconds").asLong(10)
                * startupProbe.path("failureThreshold").asLong(3));
  }
}
