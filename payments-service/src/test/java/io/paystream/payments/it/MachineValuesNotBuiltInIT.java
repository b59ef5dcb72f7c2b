package io.paystream.payments.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What the machine that builds the service says of itself (its host name, its {@code DATABASE_URL}
 * and {@code REDIS_URL} with their credentials) is read where the service runs, never recorded into
 * the package as a default: Quarkus records the values of configuration sources at build time,
 * except the environment's.
 */
class MachineValuesNotBuiltInIT {
  private static final Path GENERATED =
      Path.of("target/quarkus-app/quarkus/generated-bytecode.jar");

  @Test
  void theHostNameOfTheBuildingMachineIsNotRecordedInThePackage() throws Exception {
    List<String> recorded = new ArrayList<>();
    try (ZipFile jar = new ZipFile(GENERATED.toFile())) {
      Enumeration<? extends ZipEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (!entry.getName().endsWith(".class")) {
          continue;
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        // A recorded value sits in the class's constant pool under its exact property name, which
        // only the host name source offers (the URL source's keys are application.properties' too,
        // recorded with those defaults; both sources are made alike).
        if (holdsConstant(bytes, "paystream-host-name")) {
          recorded.add(entry.getName());
        }
      }
    }
    assertTrue(Files.exists(GENERATED), GENERATED + " is built before this test");
    assertTrue(recorded.isEmpty(), "the host name recorded at build time in " + recorded);
  }

  /** Whether a class file's constant pool holds {@code text} as one string (CONSTANT_Utf8). */
  private static boolean holdsConstant(byte[] classFile, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] wanted = new byte[utf8.length + 3];
    wanted[0] = 1; // CONSTANT_Utf8
    wanted[1] = (byte) (utf8.length >> 8);
    wanted[2] = (byte) utf8.length;
    System.arraycopy(utf8, 0, wanted, 3, utf8.length);
    outer:
    for (int i = 0; i + wanted.length <= classFile.length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (classFile[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
