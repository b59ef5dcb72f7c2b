package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The query of KEDA's database trigger for webhook-service (components/keda-webhooks), run as KEDA
 * runs it every polling interval: on a private PostgreSQL with webhook-service's migrations, and
 * deliveries of every kind. It counts the work one more replica could take (the shared queue of due
 * deliveries the claim reads), never the deliveries parked behind a slow endpoint, and it reads
 * them from the partial index {@code deliveries_due} alone.
 */
class KubernetesManifestsDueDeliveriesTest {
  private static final Path MIGRATIONS =
      Stack.ROOT.resolve("webhook-service/src/main/resources/db/migration/webhooks");

  @RegisterExtension final PrivatePostgres pg = new PrivatePostgres();

  @BeforeEach
  void needsKubectl() throws Exception {
    Manifests.assumeKubectl();
  }

  @Test
  void theTriggerCountsWhatAnotherReplicaCouldTakeFromTheDueIndexAlone() throws Exception {
    JsonNode trigger = null;
    JsonNode scaled = Manifests.find(Manifests.render("jvm"), "ScaledObject", "webhook-service");
    for (JsonNode t : scaled.path("spec").path("triggers")) {
      if (t.path("type").asText().equals("postgresql")) {
        trigger = t;
      }
    }
    assertTrue(trigger != null, "a postgresql trigger");
    String query = trigger.path("metadata").path("query").asText();
    long most =
        scaled.path("spec").path("maxReplicaCount").asLong()
            * trigger.path("metadata").path("targetQueryValue").asLong();

    psql("-c", "CREATE SCHEMA webhooks");
    List<Path> migrations = new ArrayList<>();
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      files
          .filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
          .forEach(migrations::add);
    }
    migrations.sort(
        Comparator.comparingInt(
            f -> Integer.parseInt(f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))));
    assertTrue(migrations.size() >= 4, "webhook-service's migrations: " + migrations);
    for (Path m : migrations) {
      psql("-c", "SET search_path = webhooks", "-f", m.toString());
    }
    // Delivered long ago; one slow endpoint's backlog, parked behind its share of attempts (all
    // due); the shared queue: due now, due later, and leased to a replica (run_at: the lease's
    // end).
    insert(20_000, "'success'", "false", "now() - interval '1 day'", "gen_random_uuid()");
    insert(
        3_000,
        "'pending'",
        "true",
        "now() - g * interval '1 millisecond'",
        "'22222222-2222-2222-2222-222222222222'");
    insert(150, "'pending'", "false", "now() - interval '2 seconds'", "gen_random_uuid()");
    insert(400, "'pending'", "false", "now() + interval '1 hour'", "gen_random_uuid()");
    insert(50, "'pending'", "false", "now() + interval '30 seconds'", "gen_random_uuid()");
    psql("-c", "ANALYZE webhooks.deliveries");

    assertEquals(
        "150",
        psql("-Atc", query).strip(),
        "the due deliveries of the shared queue, not the 3000 parked behind one endpoint");
    String plan = psql("-Atc", "EXPLAIN " + query);
    assertTrue(plan.contains("using deliveries_due on deliveries"), plan);
    assertFalse(plan.contains("deliveries_parked"), plan);
    assertFalse(plan.contains("Seq Scan"), plan);

    // However long the queue, a poll reads no further than the count that asks for the most
    // replicas.
    insert(most + 100, "'pending'", "false", "now() - interval '1 second'", "gen_random_uuid()");
    psql("-c", "ANALYZE webhooks.deliveries");
    assertEquals(String.valueOf(most), psql("-Atc", query).strip());
    String analyzed = psql("-Atc", "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) " + query);
    assertTrue(analyzed.contains("Index Only Scan using deliveries_due on deliveries"), analyzed);
    assertTrue(
        analyzed.contains("rows=" + most + " loops=1"), "reads " + most + " rows: " + analyzed);
  }

  /**
   * {@code n} deliveries of one kind (each column an SQL expression, {@code g} the row's number).
   */
  private void insert(long n, String status, String parked, String runAt, String endpoint)
      throws IOException, InterruptedException {
    psql(
        "-c",
        "INSERT INTO webhooks.deliveries (id, merchant_id, endpoint_id, endpoint_url, event_id,"
            + " event_type, payload, status, attempts, run_at, parked, created_at, updated_at)"
            + " SELECT gen_random_uuid(), gen_random_uuid(), "
            + endpoint
            + ", 'https://merchant.example/hook', 'evt_' || gen_random_uuid(), 'payment.captured',"
            + " '\\x00', "
            + status
            + ", 0, "
            + runAt
            + ", "
            + parked
            + ", now(), now() FROM generate_series(1, "
            + n
            + ") g");
  }

  private String psql(String... args) throws IOException, InterruptedException {
    return pg.psql("postgres", "postgres", args);
  }
}
