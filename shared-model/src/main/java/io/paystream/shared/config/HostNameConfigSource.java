package io.paystream.shared.config;

import io.smallrye.config.EnvConfigSource;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Offers this machine's host name as {@code paystream-host-name}, the default of an instance's name
 * ({@code paystream.instance-id=${INSTANCE_ID:${paystream-host-name:local}}}). A shell's {@code
 * HOSTNAME} is not exported to the programs it starts, so it is only the first place looked at (a
 * container's runtime sets it); then the kernel's own name, then the resolver's.
 *
 * <p>Its ordinal (100) sits below {@code application.properties}: it only fills a gap. It is an
 * environment source, which Quarkus does not record into the package at build time as it does other
 * sources' values: the package would otherwise name every instance after the building machine where
 * no name can be read.
 */
public final class HostNameConfigSource extends EnvConfigSource {
  static final String KEY = "paystream-host-name";
  private static final Path KERNEL_HOST_NAME = Path.of("/proc/sys/kernel/hostname");

  public HostNameConfigSource() {
    this(System.getenv(), HostNameConfigSource::read, HostNameConfigSource::resolverName);
  }

  HostNameConfigSource(
      Map<String, String> env, Function<Path, String> files, Supplier<String> resolver) {
    super(properties(env, files, resolver), 100);
  }

  private static Map<String, String> properties(
      Map<String, String> env, Function<Path, String> files, Supplier<String> resolver) {
    String name = usable(env.get("HOSTNAME"));
    if (name == null) {
      name = usable(files.apply(KERNEL_HOST_NAME));
    }
    if (name == null) {
      name = usable(resolver.get());
    }
    return name == null ? Map.of() : Map.of(KEY, name);
  }

  private static String usable(String name) {
    if (name == null) {
      return null;
    }
    String trimmed = name.strip();
    return trimmed.isEmpty() ? null : trimmed;
  }

  private static String read(Path file) {
    try {
      return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    } catch (IOException | RuntimeException unreadable) {
      return null;
    }
  }

  private static String resolverName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException unknown) {
      return null;
    }
  }
}
