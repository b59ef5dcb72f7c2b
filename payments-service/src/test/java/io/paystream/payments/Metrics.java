package io.paystream.payments;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the service's metrics as an operator's scraper does, from {@code /q/metrics}. */
public final class Metrics {
  private Metrics() {}

  /** The value of {@code name} whose tag {@code tag} is {@code value}; fails when there is none. */
  public static double value(String name, String tag, String value) {
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile(
                "(?m)^"
                    + Pattern.quote(name)
                    + "\\{[^}]*"
                    + Pattern.quote(tag + "=\"" + value + "\"")
                    + "[^}]*\\} ([0-9.E+-]+)$")
            .matcher(metrics);
    assertTrue(m.find(), "no " + name + " with " + tag + "=" + value);
    return Double.parseDouble(m.group(1));
  }
}
