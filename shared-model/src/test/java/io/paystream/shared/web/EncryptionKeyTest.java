package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paystream.shared.security.SecretBox;
import org.junit.jupiter.api.Test;

/**
 * Without {@code ENCRYPTION_KEY} secrets are sealed under the public development key, unless the
 * deployment requires a key ({@code REQUIRE_ENCRYPTION_KEY=true}): then the service does not start,
 * nor with the development key given as its key.
 */
class EncryptionKeyTest {
  private static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  @Test
  void aRequiredKeyThatIsMissingStopsTheService() {
    for (String missing : new String[] {null, "", "  "}) {
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> box(missing, true));
      assertTrue(refused.getMessage().contains("ENCRYPTION_KEY is not set"), refused.getMessage());
    }
  }

  @Test
  void aRequiredKeyMayNotBeThePublicDevelopmentKey() {
    String unpadded = SecretBox.DEVELOPMENT_KEY.replace("=", "");
    for (String key : new String[] {SecretBox.DEVELOPMENT_KEY, unpadded, " " + unpadded}) {
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> box(key, true), key);
      assertTrue(refused.getMessage().contains("public development key"), refused.getMessage());
    }
  }

  @Test
  void theKeyGivenSealsSecretsWhetherRequiredOrNot() {
    SecretBox expected = SecretBox.fromBase64Key(KEY);
    for (boolean required : new boolean[] {true, false}) {
      String sealed = box(KEY, required).seal("whsec_abc");
      assertEquals("whsec_abc", expected.open(sealed), "sealed under the key given");
    }
  }

  @Test
  void withoutARequirementAMissingKeyMeansTheDevelopmentKey() {
    String sealed = box(null, false).seal("whsec_abc");
    assertEquals("whsec_abc", SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY).open(sealed));
  }

  private static SecretBox box(String key, boolean required) {
    return new CommonProducers("test", Settings.encryption(key, required)).secretBox();
  }
}
