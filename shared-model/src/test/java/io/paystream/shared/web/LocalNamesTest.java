package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalNamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "localhost:8000",
        "LOCALHOST.",
        "app.localhost:3000",
        "127.0.0.1",
        "127.1.2.3:8081",
        "[::1]:8083",
        "[::1]",
        "_",
        ""
      })
  void namesOfThisMachineAreLocal(String host) {
    assertTrue(LocalNames.isLocal(host), host);
    assertTrue(LocalNames.isLocal(null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "attacker.example",
        "attacker.example:8000",
        "127.0.0.1.nip.io",
        "localhost.attacker.example",
        "evil-localhost",
        "10.0.0.1",
        "[::2]",
        "0.0.0.0",
        "localhost:8000:1"
      })
  void otherNamesAreNot(String host) {
    assertFalse(LocalNames.isLocal(host), host);
  }
}
