package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * postgres-roles.sql (compose, the Kubernetes Job, up.sh) run as a managed PostgreSQL's
 * administrator runs it: a role with CREATEROLE and CREATEDB, not a superuser. On a private
 * PostgreSQL of its own, so that the roles it makes and the passwords it sets touch nothing else.
 */
class PostgresRolesScriptTest {
  private static final Path SCRIPT = Stack.ROOT.resolve("deploy/k8s/base/postgres-roles.sql");

  @RegisterExtension final PrivatePostgres pg = new PrivatePostgres();

  @Test
  void anAdministratorThatIsNoSuperuserSetsUpEveryServicesRoleAndSchema() throws Exception {
    psql("postgres", "postgres", "-c", "CREATE ROLE cloud_admin LOGIN CREATEROLE CREATEDB");
    // Twice: it runs on every deploy.
    for (int run = 0; run < 2; run++) {
      psql(
          "cloud_admin",
          "postgres",
          "-v",
          "payments_password=p-" + run,
          "-v",
          "refunds_password=r-" + run,
          "-v",
          "webhooks_password=w-" + run,
          "-f",
          SCRIPT.toString());
    }
    assertEquals(
        "payments=payments\nrefunds=refunds\nwebhooks=webhooks",
        psql(
                "postgres",
                "paystream",
                "-Atc",
                "SELECT nspname || '=' || pg_get_userbyid(nspowner) FROM pg_namespace"
                    + " WHERE nspname IN ('payments', 'refunds', 'webhooks') ORDER BY 1")
            .strip());
    // Each service's role may create its tables in its own schema, and nowhere else.
    psql("payments", "paystream", "-c", "CREATE TABLE payments.t (x int)");
    psql("refunds", "paystream", "-c", "CREATE TABLE t (x int)"); // its search_path
    assertThrows(
        AssertionError.class,
        () -> psql("payments", "paystream", "-c", "CREATE TABLE refunds.u (x int)"));
    assertThrows(
        AssertionError.class,
        () -> psql("webhooks", "paystream", "-c", "CREATE TABLE public.u (x int)"));
  }

  private String psql(String user, String database, String... args)
      throws IOException, InterruptedException {
    return pg.psql(user, database, args);
  }
}
