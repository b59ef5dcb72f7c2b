// The ceiling for POST /api/v1/payments on this machine: a bare Vert.x handler doing the minimum
// the real path must do (one INSERT, one XADD, a 201), on the same jars, event loops and servers.
// Run by bench.sh as: java -cp '<payments-service>/target/quarkus-app/lib/main/*' Bare.java PORT
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

public class Bare {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String db = System.getenv().getOrDefault("BENCH_DB", "paystream_bench");
    int redisDb = Integer.parseInt(System.getenv().getOrDefault("BENCH_REDIS_DB", "8"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Pool pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(32))
            .connectingTo(
                new PgConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(5432)
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
                .setMaxPoolSize(64)
                .setMaxPoolWaiting(4096));
    vertx.deployVerticle(
        () ->
            new AbstractVerticle() {
              @Override
              public void start() {
                vertx
                    .createHttpServer()
                    .requestHandler(
                        req ->
                            req.body()
                                .compose(
                                    body -> {
                                      String id = UUID.randomUUID().toString();
                                      return pool.preparedQuery(
                                              "INSERT INTO bench.bare (id, body) VALUES ($1, $2)")
                                          .execute(Tuple.of(id, body.toString()))
                                          .compose(
                                              r ->
                                                  redis.send(
                                                      Request.cmd(Command.XADD)
                                                          .arg("bench:bare")
                                                          .arg("MAXLEN")
                                                          .arg("~")
                                                          .arg(100000)
                                                          .arg("*")
                                                          .arg("e")
                                                          .arg(body.toString())))
                                          .map(id);
                                    })
                                .onSuccess(
                                    id ->
                                        req.response()
                                            .setStatusCode(201)
                                            .putHeader("Content-Type", "application/json")
                                            .end("{\"id\":\"" + id + "\",\"status\":\"pending\"}"))
                                .onFailure(e -> req.response().setStatusCode(500).end()))
                    .listen(port);
              }
            },
        new DeploymentOptions().setInstances(2));
  }
}
