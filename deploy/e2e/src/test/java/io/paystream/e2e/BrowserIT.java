package io.paystream.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shoppers and merchants in a real browser (Debian's Chromium, driven by the Node scripts in {@code
 * browser/} with playwright-core), on the apps' nginx origins: checkout standalone and embedded
 * with checkout.js, and the dashboard showing real data.
 */
@ExtendWith(StackExtension.class)
class BrowserIT {
  private static final Path MODULE = Stack.ROOT.resolve("deploy/e2e");
  private static final Path SCRIPTS = MODULE.resolve("browser");

  @BeforeAll
  static void browserAndDriver() throws Exception {
    if (!Files.isExecutable(
        Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium")))) {
      exec(
          Stack.ROOT,
          List.of(Stack.ROOT.resolve("deploy/local/ensure-tools.sh").toString(), "chromium"),
          Map.of());
    }
    if (!Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
      exec(
          SCRIPTS,
          List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"),
          Map.of());
    }
  }

  @Test
  void aShopperPaysOnTheCheckoutPage(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    try (Webhooks hooks = Webhooks.register(api)) {
      String order = api.order(49_900);
      JsonNode result =
          flow(
              "checkout.mjs",
              Map.of("CHECKOUT_URL", stack.checkout(), "ORDER_ID", order, "VPA", "success@okhdfc"));
      String payment = result.path("paymentId").asText();
      assertTrue(payment.matches("pay_[A-Za-z0-9]{16}"), result.toString());
      assertEquals(order, result.path("orderId").asText());
      assertTrue(result.path("amount").asText().contains("499"), result.toString());
      Api.Answer paid = api.get("/api/v1/payments/" + payment);
      assertEquals("success", paid.text("status"));
      assertEquals(order, paid.text("order_id"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> hooks.received("payment", payment, "payment.success"));
      hooks.assertSignedAndRepeatsIdentical();
    }
  }

  @Test
  void aMerchantPageOnItsOwnOriginEmbedsTheCheckoutWithCheckoutJs(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    String order = api.order(25_000);
    JsonNode result =
        flow(
            "checkout-sdk.mjs",
            Map.of("CHECKOUT_URL", stack.checkout(), "ORDER_ID", order, "VPA", "success@okicici"));
    String payment = result.path("paymentId").asText();
    assertEquals("success", api.get("/api/v1/payments/" + payment).text("status"));
    assertEquals(order, api.get("/api/v1/payments/" + payment).text("order_id"));
    assertTrue(result.path("modalGone").asBoolean(), "the modal closes after onSuccess");
    assertEquals("[\"onSuccess\",\"onClose\"]", result.path("events").toString());
    assertFalse(
        result.path("forgedLookedUp").asBoolean(true), "a success the shop claims is ignored");
    assertNotEquals(
        result.path("checkoutOrigin").asText(),
        result.path("shopOrigin").asText(),
        "the shop is on an origin of its own");
    assertTrue(result.path("shopIsolated").asBoolean(), "the shop is cross-origin isolated (COEP)");
  }

  @Test
  void theDashboardShowsRealData(Stack stack) throws Exception {
    Api api = Api.merchant(stack.edge());
    String payment = api.payUpi(api.order(31_400), "success@okaxis");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "success".equals(api.get("/api/v1/payments/" + payment).text("status")));
    JsonNode stats = api.get("/api/v1/payments/stats").json();
    JsonNode result =
        flow("dashboard.mjs", Map.of("DASHBOARD_URL", stack.dashboard(), "PAYMENT_ID", payment));
    assertEquals(Api.KEY, result.path("apiKey").asText());
    assertEquals(
        stats.path("total_transactions").asLong(),
        Long.parseLong(result.path("totalTransactions").asText().replaceAll("[^0-9]", "")),
        result.toString());
    assertEquals("success", result.path("paymentStatus").asText().toLowerCase());
  }

  /** Runs one browser flow and returns the JSON line it printed. */
  private static JsonNode flow(String script, Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("SCREENSHOTS", MODULE.resolve("target/screenshots").toString());
    String out = exec(SCRIPTS, List.of("node", script), all);
    String last =
        out.lines()
            .filter(l -> l.startsWith("{"))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError(script + " printed no result: " + out));
    JsonNode result = Api.JSON.readTree(last);
    assertEquals(
        0, result.path("problems").size(), "no errors in the page: " + result.path("problems"));
    return result;
  }

  private static String exec(Path dir, List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    return Commands.run(dir, env, Duration.ofMinutes(3), command);
  }
}
