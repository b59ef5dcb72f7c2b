// The machine's ceiling for webhook delivery: a bare Vert.x consumer doing the minimum a delivery
// needs (XREADGROUP -> HMAC -> POST -> INSERT a log row -> XACK), on webhook-service's own jars,
// with the same event loops, servers and receiver as the real path. Bench.java starts it as
//   java -cp '<webhook-service>/target/quarkus-app/lib/main/*' Bare.java STREAM RECEIVER_URL
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class Bare {
  static final int MAX_IN_FLIGHT = 1000;

  public static void main(String[] args) throws Exception {
    String stream = args[0];
    String url = args[1];
    String db = System.getenv().getOrDefault("BENCH_DB", "paystream_webhooks_bench");
    int redisDb = Integer.parseInt(System.getenv().getOrDefault("BENCH_REDIS_DB", "12"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Pool pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(16))
            .connectingTo(
                new PgConnectOptions()
                    .setHost("127.0.0.1")
                    .setDatabase(db)
                    .setUser("postgres")
                    .setCachePreparedStatements(true))
            .using(vertx)
            .build();
    Redis redis =
        Redis.createClient(
            vertx,
            new RedisOptions()
                .setConnectionString("redis://127.0.0.1:6379/" + redisDb)
                .setMaxPoolSize(32)
                .setMaxPoolWaiting(4096));
    WebClient http =
        WebClient.create(
            vertx, new WebClientOptions().setMaxPoolSize(128).setKeepAlive(true).setFollowRedirects(false));
    new Bare(vertx, pool, redis, http, stream, url).start();
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final WebClient http;
  private final String stream;
  private final String url;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final SecretKeySpec key =
      new SecretKeySpec("whsec_test_abc123".getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  private volatile boolean reading;

  Bare(Vertx vertx, Pool pool, Redis redis, WebClient http, String stream, String url) {
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.http = http;
    this.stream = stream;
    this.url = url;
  }

  void start() {
    pool.query(
            "CREATE TABLE IF NOT EXISTS bare_log (event_id text, status int, at timestamptz)")
        .execute()
        .compose(
            ok ->
                redis
                    .send(
                        Request.cmd(Command.XGROUP)
                            .arg("CREATE")
                            .arg(stream)
                            .arg("bare")
                            .arg("0")
                            .arg("MKSTREAM"))
                    .otherwiseEmpty())
        .onComplete(ok -> read());
    System.out.println("ready");
  }

  private void read() {
    if (reading || inFlight.get() >= MAX_IN_FLIGHT) {
      return;
    }
    reading = true;
    int room = Math.min(200, MAX_IN_FLIGHT - inFlight.get());
    redis
        .send(
            Request.cmd(Command.XREADGROUP)
                .arg("GROUP")
                .arg("bare")
                .arg("bare-1")
                .arg("COUNT")
                .arg(room)
                .arg("BLOCK")
                .arg(1000)
                .arg("STREAMS")
                .arg(stream)
                .arg(">"))
        .onComplete(
            ar -> {
              reading = false;
              if (ar.succeeded() && ar.result() != null) {
                Response streams = ar.result();
                Response entries = entries(streams);
                for (int i = 0; entries != null && i < entries.size(); i++) {
                  Response e = entries.get(i);
                  deliver(e.get(0).toString(), e.get(1).get(1).toString());
                }
              }
              read();
            });
  }

  private static Response entries(Response reply) {
    try {
      if (!reply.getKeys().isEmpty()) {
        return reply.get(reply.getKeys().iterator().next());
      }
    } catch (RuntimeException e) {
      // RESP2: an array of [stream, entries]
    }
    return reply.get(0).get(1);
  }

  private void deliver(String entryId, String payload) {
    inFlight.incrementAndGet();
    String eventId = new JsonObject(payload).getString("id");
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    String signature;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      signature = HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    http.postAbs(url)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Webhook-Signature", signature)
        .putHeader("webhook-id", eventId)
        .timeout(5000)
        .sendBuffer(Buffer.buffer(body))
        .compose(
            r ->
                pool.preparedQuery("INSERT INTO bare_log (event_id, status, at) VALUES ($1, $2, now())")
                    .execute(Tuple.of(eventId, r.statusCode())))
        .compose(
            ok -> redis.send(Request.cmd(Command.XACK).arg(stream).arg("bare").arg(entryId)))
        .recover(err -> Future.succeededFuture())
        .onComplete(
            done -> {
              inFlight.decrementAndGet();
              read();
            });
  }
}
