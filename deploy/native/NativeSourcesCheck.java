import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Checks the native build inputs that {@code -Dquarkus.native.sources-only=true} wrote for each
 * service (target/native-sources): the image is built without a JVM fallback, and every class our
 * code reaches by reflection is registered for it. What "reached by reflection" means here:
 *
 * <ul>
 *   <li>classes named in {@code META-INF/services} files (ServiceLoader instantiates them);
 *   <li>classes handed to Jackson data binding ({@code readValue}, {@code treeToValue},
 *       {@code convertValue}, {@code readerFor}, {@code writerFor} with {@code X.class});
 *   <li>classes loaded by name ({@code Class.forName("…")}).
 * </ul>
 *
 * It also refuses runtime classpath scanning, which a native image cannot do.
 *
 * <p>Usage: {@code java NativeSourcesCheck.java <shared-model dir> <service dir>...}
 */
public final class NativeSourcesCheck {
  private static final Pattern REGISTERED = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern DATA_BINDING =
      Pattern.compile(
          "\\b(?:readValue|treeToValue|convertValue|readerFor|writerFor)\\s*\\([^;]*?\\b([A-Z][A-Za-z0-9_]*)\\.class");
  private static final Pattern FOR_NAME = Pattern.compile("Class\\.forName\\(\\s*\"([^\"]+)\"");
  private static final Pattern SCANNING =
      Pattern.compile("\\b(ClassGraph|org\\.reflections|getResources\\s*\\(\\s*\"\")");
  private static final Pattern TYPE =
      Pattern.compile("\\b(?:class|record|enum|interface)\\s+([A-Z][A-Za-z0-9_]*)");

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: NativeSourcesCheck <shared-model dir> <service dir>...");
      System.exit(2);
    }
    Path shared = Path.of(args[0]);
    List<String> failures = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      failures.addAll(check(shared, Path.of(args[i])));
    }
    if (!failures.isEmpty()) {
      failures.forEach(f -> System.out.println("[native] FAIL " + f));
      System.out.println("[native] " + failures.size() + " problem(s)");
      System.exit(1);
    }
    System.out.println("[native] every service's native build inputs register what it needs");
  }

  private static List<String> check(Path shared, Path service) throws IOException {
    String name = service.getFileName().toString();
    List<String> failures = new ArrayList<>();
    Path sources = service.resolve("target/native-sources");
    Path argsFile = sources.resolve("native-image.args");
    if (!Files.exists(argsFile)) {
      return List.of(name + ": no " + argsFile + " (did the sources-only build run?)");
    }
    String nativeArgs = Files.readString(argsFile);
    if (!nativeArgs.contains("--no-fallback")) {
      failures.add(name + ": native-image.args allows a JVM fallback image");
    }
    if (!nativeArgs.contains("-J-Dvertx.disableURIValidation=true")) {
      failures.add(
          name
              + ": native-image.args leaves Quarkus's bare-400 check of request targets on"
              + " (quarkus.native.additional-build-args)");
    }
    Set<String> registered = registered(sources);

    Map<String, String> types = new HashMap<>(); // simple name -> qualified name
    List<Path> javaFiles = new ArrayList<>();
    for (Path module : List.of(shared, service)) {
      javaFiles.addAll(javaFiles(module.resolve("src/main/java")));
    }
    for (Path f : javaFiles) {
      String text = Files.readString(f);
      String pkg = packageOf(text);
      Matcher m = TYPE.matcher(text);
      while (m.find()) {
        types.putIfAbsent(m.group(1), pkg.isEmpty() ? m.group(1) : pkg + "." + m.group(1));
      }
    }

    Set<String> required = new TreeSet<>();
    for (Path module : List.of(shared, service)) {
      Path services = module.resolve("src/main/resources/META-INF/services");
      if (Files.isDirectory(services)) {
        try (Stream<Path> s = Files.list(services)) {
          for (Path p : s.toList()) {
            for (String line : Files.readAllLines(p)) {
              String cls = line.replaceAll("#.*", "").trim();
              if (!cls.isEmpty()) {
                required.add(cls);
              }
            }
          }
        }
      }
    }
    for (Path f : javaFiles) {
      String text = Files.readString(f);
      Matcher m = DATA_BINDING.matcher(text);
      while (m.find()) {
        String qualified = types.get(m.group(1));
        if (qualified != null) { // JDK and library types are registered by their extensions
          required.add(qualified);
        }
      }
      m = FOR_NAME.matcher(text);
      while (m.find()) {
        required.add(m.group(1));
      }
      if (SCANNING.matcher(text).find()) {
        failures.add(name + ": " + f.getFileName() + " scans the classpath at run time");
      }
    }
    for (String cls : required) {
      if (!registered.contains(cls)) {
        failures.add(
            name
                + ": "
                + cls
                + " is reached by reflection but not registered (add @RegisterForReflection(targets = "
                + cls.substring(cls.lastIndexOf('.') + 1)
                + ".class) in the service)");
      }
    }
    System.out.printf(
        "[native] %s: %d classes registered for reflection; %d reached by reflection from our code%s%n",
        name, registered.size(), required.size(), required.isEmpty() ? "" : " " + required);
    return failures;
  }

  private static Set<String> registered(Path sources) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> s = Files.list(sources)) {
      for (Path jar : s.filter(p -> p.toString().endsWith("-runner.jar")).toList()) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          var entries = zip.stream().filter(e -> e.getName().endsWith("reflect-config.json")).toList();
          for (var e : entries) {
            try (InputStream in = zip.getInputStream(e)) {
              Matcher m = REGISTERED.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              while (m.find()) {
                if (m.group(1).contains(".")) { // classes, not the method entries inside them
                  names.add(m.group(1));
                }
              }
            }
          }
        }
      }
    }
    return names;
  }

  private static List<Path> javaFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  private static String packageOf(String text) {
    Matcher m = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE).matcher(text);
    return m.find() ? m.group(1) : "";
  }
}
