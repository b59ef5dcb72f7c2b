package io.paystream.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Checks of a service's {@code /q/health/live} answer. */
public final class LivenessAssertions {
  private LivenessAssertions() {}

  /** The background-loops check is there, up, and reports each of {@code loops}. */
  public static void assertLoopsLive(String liveBody, String... loops) throws IOException {
    JsonNode check = null;
    for (JsonNode c : new ObjectMapper().readTree(liveBody).path("checks")) {
      if ("background-loops".equals(c.path("name").asText())) {
        check = c;
      }
    }
    assertTrue(check != null, "no background-loops check in " + liveBody);
    assertEquals("UP", check.path("status").asText(), liveBody);
    for (String loop : loops) {
      assertTrue(check.path("data").has(loop + " seconds since a step"), loop + ": " + liveBody);
    }
  }
}
