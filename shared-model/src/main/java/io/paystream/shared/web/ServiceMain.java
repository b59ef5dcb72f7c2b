package io.paystream.shared.web;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Every service's entry point. Quarkus's HTTP layer answers a request target that {@code
 * java.net.URI} refuses (a {@code %} without two hex digits, an unescaped {@code |} or {@code {}…)
 * with a bare 400 before any handler of ours runs; with that check turned off here, before Quarkus
 * starts, {@link HttpFallbacks} makes the same check and answers with the API's error body.
 */
@QuarkusMain
public final class ServiceMain {
  /** The system property that turns Quarkus's own check of request targets off. */
  public static final String DISABLE_URI_VALIDATION = "vertx.disableURIValidation";

  private ServiceMain() {}

  public static void main(String... args) {
    System.setProperty(DISABLE_URI_VALIDATION, "true");
    Quarkus.run(args);
  }
}
