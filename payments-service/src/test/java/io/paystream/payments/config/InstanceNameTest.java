package io.paystream.payments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The default of an instance's name is the machine's host name, as the README says. */
@QuarkusTest
class InstanceNameTest {
  @Test
  void theHostNameTheDefaultInstanceNameFallsBackOnIsThisMachines() throws Exception {
    String env = System.getenv("HOSTNAME");
    String expected =
        env != null && !env.isBlank()
            ? env.strip()
            : Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    assertEquals(
        expected,
        ConfigProvider.getConfig().getValue("paystream-host-name", String.class),
        "the name that paystream.instance-id falls back on without INSTANCE_ID");
  }
}
