// Benchmark driver for webhook-service (run by bench.sh on the service's own jars). It hosts a
// fast local receiver, plays payments-service by writing events straight into the streams, starts
// and stops packaged webhook-service replicas and the bare ceiling consumer (Bare.java), and
// prints what it measured. Everything listens on 127.0.0.1 only.
import io.paystream.shared.event.EventEnvelope;
import io.paystream.shared.event.EventType;
import io.paystream.shared.event.MerchantCredentials;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.id.Ids;
import io.paystream.shared.security.ApiSecrets;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.stream.RedisStreams;
import io.paystream.shared.stream.Streams;
import io.paystream.shared.time.Timestamps;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Bench {
  static final String ROOT = env("ROOT", ".");
  static final String OUT = env("OUT", "target/bench");
  static final String JAR = ROOT + "/webhook-service/target/quarkus-app/quarkus-run.jar";
  static final String LIB = ROOT + "/webhook-service/target/quarkus-app/lib/main/*";
  static final String DB = env("BENCH_DB", "paystream_webhooks_bench");
  static final int REDIS_DB = Integer.parseInt(env("BENCH_REDIS_DB", "12"));
  static final int EVENTS = Integer.parseInt(env("EVENTS", "20000"));
  static final int RATE = Integer.parseInt(env("RATE", "1000"));
  static final int SECONDS = Integer.parseInt(env("SECONDS", "10"));
  static final int BASE_PORT = Integer.parseInt(env("BENCH_PORT", "18083"));
  static final SecretBox BOX = SecretBox.fromBase64Key(SecretBox.DEVELOPMENT_KEY);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  final Redis redis =
      Redis.createClient(
          vertx,
          new RedisOptions()
              .setConnectionString("redis://127.0.0.1:6379/" + REDIS_DB)
              .setMaxPoolSize(8)
              .setMaxPoolWaiting(10_000));
  final List<Process> processes = new ArrayList<>();
  final Map<String, Process> byBase = new ConcurrentHashMap<>();
  final Map<String, String> results = new LinkedHashMap<>();
  final Receiver receiver = new Receiver();

  public static void main(String[] args) throws Exception {
    Bench b = new Bench();
    Runtime.getRuntime().addShutdownHook(new Thread(b::stopAll));
    try {
      b.run();
    } finally {
      b.stopAll();
      b.vertx.close();
    }
    System.exit(0);
  }

  void run() throws Exception {
    int port = receiver.start(vertx);
    say("receiver on 127.0.0.1:" + port);
    if (!env("ONLY", "").isEmpty()) { // ONLY=throughput: one replica, for profiling
      String a = replica("bench-a", BASE_PORT);
      throughput(List.of(a), "warm-a", 3_000);
      throughput(List.of(a), "only", EVENTS);
      return;
    }
    results.put("load average at start (1, 5, 15 min)", loadAverage());
    results.put("receiver alone (wrk, 64 connections)", wrk(port) + " req/s");
    results.put("redis-benchmark XADD (50 clients)", redisBenchmark() + " ops/s");
    Rate bareBefore = bare("bare-1");

    String a = replica("bench-a", BASE_PORT);
    throughput(List.of(a), "warm-a", EVENTS); // the JIT settles; not counted
    Rate tp1 = median(List.of(a), "tp1");
    String lat1 = latency(List.of(a), "lat1");

    Storm storm = storm(List.of(a));
    Rate tp1s = median(List.of(a), "tp1s");
    String lat1s = latency(List.of(a), "lat1s");
    String stormSeen = storm.stop();
    storm.end(List.of(a));
    Rate tp1After = median(List.of(a), "tp1-after");

    String b = replica("bench-b", BASE_PORT + 1);
    throughput(List.of(a, b), "warm-b", EVENTS);
    Rate tp2 = median(List.of(a, b), "tp2");
    String lat2 = latency(List.of(a, b), "lat2");
    stopAll();
    Rate bareAfter = bare("bare-2");
    Rate bare = bareBefore.rate() >= bareAfter.rate() ? bareBefore : bareAfter;

    results.put("bare consumer XREADGROUP>HMAC>POST>INSERT>XACK, before", bareBefore.toString());
    results.put("bare consumer, after", bareAfter.toString());
    results.put("webhook-service, 1 replica (median of 3)", tp1.toString());
    results.put("webhook-service, 2 replicas (median of 3)", tp2.toString());
    results.put("1 replica, event -> first attempt at " + RATE + "/s", lat1);
    results.put("2 replicas, event -> first attempt at " + RATE + "/s", lat2);
    results.put("retry storm while measured", stormSeen);
    results.put("1 replica during the storm, healthy endpoints (median of 3)", tp1s.toString());
    results.put("1 replica during the storm, event -> first attempt", lat1s);
    results.put("1 replica after the storm (median of 3)", tp1After.toString());
    results.put("ratio 1 replica / bare (rate; best bare run)", String.format("%.2f", tp1.rate() / bare.rate()));
    results.put("ratio bare / 1 replica (CPU per delivery)", String.format("%.2f", bare.cpuMicros() / tp1.cpuMicros()));
    results.put("ratio 2 replicas / 1 replica (rate)", String.format("%.2f", tp2.rate() / tp1.rate()));
    results.put(
        "healthy throughput during the storm / without (mean of before and after)",
        String.format("%.0f %%", 200 * tp1s.rate() / (tp1.rate() + tp1After.rate())));
    results.put("load average at end (1, 5, 15 min)", loadAverage());

    System.out.println();
    System.out.println("== webhook-service benchmark (" + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores) ==");
    results.forEach((k, v) -> System.out.printf("%-62s %s%n", k, v));
  }

  /** A delivery rate and what it cost the delivering process(es) in CPU. */
  record Rate(double rate, double cpuMicros) {
    @Override
    public String toString() {
      return String.format("%.0f deliveries/s, %.0f us CPU per delivery", rate, cpuMicros);
    }
  }

  /** The median (by rate) of three throughput runs. */
  Rate median(List<String> replicas, String tag) throws Exception {
    List<Rate> runs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      runs.add(throughput(replicas, tag + "-" + i, EVENTS));
    }
    runs.sort((x, y) -> Double.compare(x.rate(), y.rate()));
    return runs.get(1);
  }

  // ---- scenarios

  /** Deliveries per second: EVENTS events written at once, until the last one is received. */
  Rate throughput(List<String> replicas, String tag, int events) throws Exception {
    List<UUID> merchants = setup(replicas, tag, 4, "/ok/" + tag);
    List<String> payloads = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      payloads.add(paymentEvent(merchants.get(i % merchants.size()), Ids.event()));
    }
    Receiver.Track t = receiver.track(tag);
    long cpu0 = cpuNanos(replicas);
    long t0 = System.nanoTime();
    publish(payloads);
    waitFor(() -> t.first.size() >= events, 180);
    double seconds = (t.lastNanos.get() - t0) / 1e9;
    Rate rate = new Rate(events / seconds, (cpuNanos(replicas) - cpu0) / 1e3 / events);
    say(String.format("%s: %d deliveries in %.2f s: %s", tag, events, seconds, rate));
    return rate;
  }

  /** CPU time used so far by the processes behind these base URLs. */
  long cpuNanos(List<String> bases) {
    long total = 0;
    for (String base : bases) {
      total += cpuNanos(byBase.get(base));
    }
    return total;
  }

  static long cpuNanos(Process p) {
    return p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (Exception e) {
      return "n/a";
    }
  }

  /** Event -> first attempt latency, events written at RATE per second for SECONDS. */
  String latency(List<String> replicas, String tag) throws Exception {
    List<UUID> merchants = setup(replicas, tag, 4, "/ok/" + tag);
    Receiver.Track t = receiver.track(tag);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    int perTick = Math.max(1, RATE / 100);
    long start = System.nanoTime();
    int ticks = SECONDS * 100;
    for (int tick = 0; tick < ticks; tick++) {
      long due = start + tick * 10_000_000L;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      List<String> payloads = new ArrayList<>(perTick);
      List<String> ids = new ArrayList<>(perTick);
      for (int i = 0; i < perTick; i++) {
        String id = Ids.event();
        ids.add(id);
        payloads.add(paymentEvent(merchants.get((tick * perTick + i) % merchants.size()), id));
      }
      long now = System.nanoTime();
      ids.forEach(id -> sentAt.put(id, now));
      publishAsync(payloads);
    }
    int total = ticks * perTick;
    waitFor(() -> t.first.size() >= total, 120);
    List<Long> micros = new ArrayList<>(total);
    t.first.forEach((id, at) -> micros.add((at - sentAt.get(id)) / 1_000));
    Collections.sort(micros);
    String out =
        String.format(
            "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d events)",
            pct(micros, 0.50) / 1e3, pct(micros, 0.99) / 1e3, micros.get(micros.size() - 1) / 1e3, total);
    say(tag + ": " + out);
    return out;
  }

  /** A retry storm: 1,000 failing deliveries in retry, more failing ones and a hanging endpoint. */
  Storm storm(List<String> replicas) throws Exception {
    List<UUID> failing = setup(replicas, "storm-fail", 1, "/fail/storm-fail");
    List<UUID> hanging = setup(replicas, "storm-hang", 1, "/hang/storm-hang");
    Receiver.Track fails = receiver.track("storm-fail");
    Receiver.Track hangs = receiver.track("storm-hang");
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      payloads.add(paymentEvent(failing.get(0), Ids.event()));
    }
    for (int i = 0; i < 200; i++) {
      payloads.add(paymentEvent(hanging.get(0), Ids.event()));
    }
    publish(payloads);
    waitFor(() -> fails.hits.get() >= 1_000, 60);
    say("storm: 1,000 failing deliveries in retry, 200 to a hanging endpoint");
    return new Storm(failing.get(0), hanging.get(0), fails, hangs);
  }

  /** The storm's merchants' credentials, to switch their endpoints off afterwards. */
  final Map<UUID, String[]> credentials = new ConcurrentHashMap<>();

  final class Storm {
    final AtomicBoolean feeding = new AtomicBoolean(true);
    final Receiver.Track fails;
    final Receiver.Track hangs;
    final long failsAtStart;
    final long hangsAtStart;
    final long startNanos = System.nanoTime();
    final Thread feeder;
    final UUID failing;
    final UUID hanging;

    Storm(UUID failing, UUID hanging, Receiver.Track fails, Receiver.Track hangs) {
      this.failing = failing;
      this.hanging = hanging;
      this.fails = fails;
      this.hangs = hangs;
      this.failsAtStart = fails.hits.get();
      this.hangsAtStart = hangs.hits.get();
      // Keep it going: 100 new failing deliveries and 20 to the hanging endpoint per second.
      this.feeder =
          new Thread(
              () -> {
                while (feeding.get()) {
                  List<String> p = new ArrayList<>();
                  for (int i = 0; i < 10; i++) {
                    p.add(paymentEvent(failing, Ids.event()));
                  }
                  p.add(paymentEvent(hanging, Ids.event()));
                  p.add(paymentEvent(hanging, Ids.event()));
                  publishAsync(p);
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      feeder.start();
    }

    /** Disables the storm's endpoints: what is still due is closed, not sent. Waits a little. */
    void end(List<String> replicas) throws Exception {
      for (UUID m : List.of(failing, hanging)) {
        String[] c = credentials.get(m);
        String list = get(replicas.get(0), "/api/v1/webhook-endpoints", c[0], c[1]);
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(list);
        while (id.find()) {
          call(replicas.get(0), "PATCH", "/api/v1/webhook-endpoints/" + id.group(1), c[0], c[1], "{\"enabled\":false}");
        }
      }
      Thread.sleep(25_000); // the retries due meanwhile are closed; hanging attempts time out
      say("storm ended");
    }

    String stop() throws InterruptedException {
      feeding.set(false);
      feeder.join();
      double s = (System.nanoTime() - startNanos) / 1e9;
      String out =
          String.format(
              "%.0f failing attempts/s, %.0f attempts/s at the hanging endpoint, over %.0f s",
              (fails.hits.get() - failsAtStart) / s, (hangs.hits.get() - hangsAtStart) / s, s);
      say("storm: " + out);
      return out;
    }
  }

  /** The ceiling: Bare.java on its own stream, EVENTS events, as the throughput scenario. */
  Rate bare(String tag) throws Exception {
    String stream = "bench:" + tag;
    Process p =
        new ProcessBuilder(
                java(), "-Xms256m", "-Xmx512m", "-cp", LIB, ROOT + "/webhook-service/bench/Bare.java",
                stream, "http://127.0.0.1:" + receiver.port + "/ok/" + tag + "/0")
            .redirectErrorStream(true)
            .redirectOutput(new File(OUT, tag + ".log"))
            .start();
    processes.add(p);
    waitFor(() -> new File(OUT, tag + ".log").length() > 0 && logSays(tag, "ready"), 120);
    Thread.sleep(1_000);
    UUID merchant = UUID.randomUUID();
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < 3_000 + EVENTS; i++) {
      payloads.add(paymentEvent(merchant, Ids.event()));
    }
    Receiver.Track t = receiver.track(tag);
    publish(stream, payloads.subList(0, 3_000)); // warm-up
    waitFor(() -> t.first.size() >= 3_000, 120);
    long cpu0 = cpuNanos(p);
    long t0 = System.nanoTime();
    long before = t.first.size();
    publish(stream, payloads.subList(3_000, payloads.size()));
    waitFor(() -> t.first.size() >= before + EVENTS, 180);
    Rate rate =
        new Rate(EVENTS / ((t.lastNanos.get() - t0) / 1e9), (cpuNanos(p) - cpu0) / 1e3 / EVENTS);
    say(tag + ": " + rate);
    p.destroy();
    p.waitFor(10, TimeUnit.SECONDS);
    return rate;
  }

  // ---- set-up

  /** New merchants with one endpoint each (path + "/k"), known to every replica. */
  List<UUID> setup(List<String> replicas, String tag, int count, String path) throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      UUID id = UUID.randomUUID();
      String key = "key_bench_" + Ids.random(12);
      String secret = "secret_bench_" + Ids.random(20);
      MerchantCredentials c =
          new MerchantCredentials(
              id.toString(), "Bench " + tag, key, ApiSecrets.hash(secret),
              BOX.seal("whsec_test_abc123"), Timestamps.now(), 0L);
      publish(
          Streams.MERCHANT_EVENTS,
          List.of(
              EventEnvelope.encode(
                  Ids.event(), EventType.MERCHANT_CREATED, Timestamps.now(), id.toString(), null,
                  c::writeEventData)));
      for (String r : replicas) {
        waitFor(() -> call(r, "GET", "/api/v1/webhook-endpoints", key, secret, null) == 200, 60);
      }
      String url = "http://127.0.0.1:" + receiver.port + path + "/" + k;
      credentials.put(id, new String[] {key, secret});
      int status =
          call(replicas.get(0), "POST", "/api/v1/webhook-endpoints", key, secret, "{\"url\":\"" + url + "\"}");
      if (status != 201) {
        throw new IllegalStateException("endpoint not created: " + status);
      }
      ids.add(id);
    }
    return ids;
  }

  /** Starts a packaged replica on {@code port}; waits until it is ready. */
  String replica(String name, int port) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xms512m", "-Xmx512m"));
    if (!env("REPLICA_JAVA_OPTS", "").isEmpty()) {
      cmd.addAll(List.of(env("REPLICA_JAVA_OPTS", "").split(" ")));
    }
    cmd.addAll(List.of("-jar", JAR));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(new File(OUT, name + ".log"));
    Map<String, String> e = pb.environment();
    e.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/" + DB);
    e.put("REDIS_URL", "redis://127.0.0.1:6379/" + REDIS_DB);
    e.put("PORT", Integer.toString(port));
    e.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    e.put("INSTANCE_ID", name);
    e.put("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true");
    e.put("WEBHOOK_RETRY_INTERVALS_TEST", "true");
    e.put("RATE_LIMIT_PER_SECOND", "0");
    e.put("LOG_JSON", "false");
    e.put("QUARKUS_LOG_LEVEL", "WARN");
    Process process = pb.start();
    processes.add(process);
    String base = "http://127.0.0.1:" + port;
    byBase.put(base, process);
    waitFor(() -> status(base + "/q/health/ready") == 200, 180);
    say(name + " ready on " + base);
    return base;
  }

  // ---- plumbing

  static String paymentEvent(UUID merchant, String eventId) {
    Instant now = Timestamps.now();
    PaymentView p =
        new PaymentView(
            Ids.payment(), Ids.order(), merchant.toString(), 50_000, "INR", "upi", "user@paytm",
            null, null, "success", false, null, null, 0, now, now);
    return EventEnvelope.encode(
        eventId, EventType.PAYMENT_SUCCESS, now, merchant.toString(), null, p::writeEventData);
  }

  void publish(List<String> payloads) throws Exception {
    publish(Streams.PAYMENT_EVENTS, payloads);
  }

  void publish(String stream, List<String> payloads) throws Exception {
    for (int i = 0; i < payloads.size(); i += 500) {
      List<Request> batch = new ArrayList<>();
      for (String p : payloads.subList(i, Math.min(payloads.size(), i + 500))) {
        batch.add(RedisStreams.xadd(stream, 1_000_000, p).getDelegate());
      }
      redis.batch(batch).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  void publishAsync(List<String> payloads) {
    List<Request> batch = new ArrayList<>();
    for (String p : payloads) {
      batch.add(RedisStreams.xadd(Streams.PAYMENT_EVENTS, 1_000_000, p).getDelegate());
    }
    redis.batch(batch);
  }

  static int call(String base, String method, String path, String key, String secret, String body) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(10))
              .header("X-Api-Key", key)
              .header("X-Api-Secret", secret)
              .header("Content-Type", "application/json");
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  static String get(String base, String path, String key, String secret) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .header("X-Api-Key", key)
                .header("X-Api-Secret", secret)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  static String wrk(int port) throws Exception {
    String out = run("wrk", "-t2", "-c64", "-d5s", "http://127.0.0.1:" + port + "/ok/wrk/0");
    Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
    return m.find() ? fmt(Double.parseDouble(m.group(1))) : "n/a";
  }

  static String redisBenchmark() throws Exception {
    String out =
        run("redis-benchmark", "-h", "127.0.0.1", "--dbnum", Integer.toString(REDIS_DB), "-c", "50",
            "-n", "200000", "-q", "XADD", "bench:rb", "MAXLEN", "~", "100000", "*", "e", "v");
    Matcher m = Pattern.compile("([0-9.]+) requests per second").matcher(out);
    return m.find() ? fmt(Double.parseDouble(m.group(1))) : "n/a";
  }

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
      }
    }
    p.waitFor();
    return out.toString();
  }

  static boolean logSays(String tag, String word) {
    try {
      return java.nio.file.Files.readString(new File(OUT, tag + ".log").toPath()).contains(word);
    } catch (Exception e) {
      return false;
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitFor(Check c, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!c.ok()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + seconds + " s");
      }
      Thread.sleep(20);
    }
  }

  void stopAll() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
    processes.clear();
  }

  static long pct(List<Long> sorted, double q) {
    return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * q) - 1));
  }

  static String java() {
    return System.getProperty("java.home") + "/bin/java";
  }

  static String fmt(double d) {
    return String.format("%.0f", d);
  }

  static void say(String s) {
    System.out.println("[bench] " + s);
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** The fast local receiver: /ok/* answers 200, /fail/* 500, /hang/* never. */
  static final class Receiver {
    static final class Track {
      final ConcurrentHashMap<String, Long> first = new ConcurrentHashMap<>();
      final AtomicLong hits = new AtomicLong();
      final AtomicLong lastNanos = new AtomicLong();
    }

    final Map<String, Track> tracks = new ConcurrentHashMap<>();
    volatile int port;

    Track track(String tag) {
      return tracks.computeIfAbsent(tag, t -> new Track());
    }

    int start(Vertx vertx) throws Exception {
      int wanted = BASE_PORT + 10;
      AtomicInteger bound = new AtomicInteger();
      vertx
          .deployVerticle(
              () ->
                  new AbstractVerticle() {
                    @Override
                    public void start(io.vertx.core.Promise<Void> started) {
                      vertx
                          .createHttpServer()
                          .requestHandler(Receiver.this::handle)
                          .listen(wanted, "127.0.0.1")
                          .onSuccess(s -> bound.set(s.actualPort()))
                          .<Void>mapEmpty()
                          .onComplete(started);
                    }
                  },
              new DeploymentOptions().setInstances(2))
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      port = bound.get();
      return port;
    }

    void handle(HttpServerRequest req) {
      String[] parts = req.path().split("/");
      String mode = parts.length > 1 ? parts[1] : "";
      String tag = parts.length > 2 ? parts[2] : "";
      req.body()
          .onSuccess(
              body -> {
                long now = System.nanoTime();
                Track t = track(tag);
                t.hits.incrementAndGet();
                String id = req.getHeader("webhook-id");
                if (id != null && t.first.putIfAbsent(id, now) == null) {
                  t.lastNanos.accumulateAndGet(now, Math::max);
                }
                switch (mode) {
                  case "ok" -> req.response().end("ok");
                  case "fail" -> req.response().setStatusCode(500).end("down");
                  case "hang" -> {} // never answered
                  default -> req.response().setStatusCode(404).end();
                }
              });
    }
  }
}
