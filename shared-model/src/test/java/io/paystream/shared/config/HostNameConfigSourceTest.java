package io.paystream.shared.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

class HostNameConfigSourceTest {
  private static final String INSTANCE_ID = "${INSTANCE_ID:${paystream-host-name:local}}";

  @Test
  void aContainersHostNameComesFirst() {
    var source = new HostNameConfigSource(Map.of("HOSTNAME", "pod-7"), file -> "vm-1\n", () -> "x");
    assertEquals("pod-7", source.getValue(HostNameConfigSource.KEY));
  }

  @Test
  void withoutOneInTheEnvironmentTheKernelsNameIsTaken() {
    var source =
        new HostNameConfigSource(
            Map.of(),
            file -> file.equals(Path.of("/proc/sys/kernel/hostname")) ? "vm-1\n" : null,
            () -> "resolver");
    assertEquals("vm-1", source.getValue(HostNameConfigSource.KEY));
  }

  @Test
  void theResolversNameIsTheLastResortAndNothingIsOfferedWithoutAny() {
    assertEquals(
        "mac-3",
        new HostNameConfigSource(Map.of("HOSTNAME", " "), file -> null, () -> "mac-3")
            .getValue(HostNameConfigSource.KEY));
    var none = new HostNameConfigSource(Map.of(), file -> "", () -> null);
    assertFalse(none.getPropertyNames().contains(HostNameConfigSource.KEY));
  }

  @Test
  void anInstanceIsNamedAfterItsHostUnlessNamedExplicitly() {
    var host = new HostNameConfigSource(Map.of(), file -> "vm-1\n", () -> null);
    assertEquals("vm-1", instanceId(host, Map.of()));
    assertEquals("payments-2", instanceId(host, Map.of("INSTANCE_ID", "payments-2")));
    var none = new HostNameConfigSource(Map.of(), file -> null, () -> null);
    assertEquals("local", instanceId(none, Map.of()));
  }

  @Test
  void onThisMachineTheNameIsTheKernelsOneWhenTheEnvironmentHasNone() throws Exception {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    String env = System.getenv("HOSTNAME");
    String expected =
        env != null && !env.isBlank()
            ? env.strip()
            : java.nio.file.Files.readString(kernel).strip();
    assertEquals(expected, new HostNameConfigSource().getValue(HostNameConfigSource.KEY));
  }

  private static String instanceId(ConfigSource host, Map<String, String> env) {
    Map<String, String> properties = new java.util.HashMap<>(env);
    properties.put("paystream.instance-id", INSTANCE_ID);
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .withSources(host, new PropertiesConfigSource(properties, "properties", 250))
            .build();
    return config.getValue("paystream.instance-id", String.class);
  }
}
