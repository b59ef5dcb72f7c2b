package io.paystream.shared.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forwards to the test PostgreSQL ({@link TestDatabases#postgres}). Armed with a marker (a text the
 * statement to break carries in its parameters, such as a refund's reason), it breaks the
 * connection that carries it, as {@link Fault} says.
 */
public final class StatementBreaker implements AutoCloseable {
  /** How the statement's connection breaks. */
  public enum Fault {
    /**
     * The statement goes through and its answer is dropped, the connection reset 300 ms later (by
     * when PostgreSQL has committed it, when it commits on its own).
     */
    ANSWER_LOST,
    /**
     * The message that carries the marker goes through and is answered; the next one on the
     * connection goes through too, and its answer is dropped, as with {@link #ANSWER_LOST}: the
     * COMMIT of the marked statement's transaction, or the execution of a statement whose text
     * (sent alone, to be prepared) holds the marker.
     */
    NEXT_ANSWER_LOST,
    /** The statement is dropped and the connection reset at once. */
    REQUEST_LOST,
    /**
     * As {@link #ANSWER_LOST}, and then every connection is reset and new ones are refused for
     * {@link #GONE_MILLIS}.
     */
    DATABASE_GONE
  }

  public static final long GONE_MILLIS = 5_000;

  private final String host;
  private final int port;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicReference<String> marker = new AtomicReference<>();
  private volatile Fault fault;
  private volatile String lastMarker;
  private volatile long refuseUntil;
  private final AtomicInteger broken = new AtomicInteger();

  public StatementBreaker() throws IOException {
    String pg = TestDatabases.postgres(); // host:port
    this.host = pg.substring(0, pg.lastIndexOf(':'));
    this.port = Integer.parseInt(pg.substring(pg.lastIndexOf(':') + 1));
    server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    daemon(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** A {@code DATABASE_URL} to the database {@code name} through this breaker. */
  public String databaseUrl(String name) {
    return "postgresql://" + TestDatabases.user() + "@127.0.0.1:" + port() + "/" + name;
  }

  /** Breaks the next statement that carries {@code marker}, as {@code fault} says. */
  public void arm(String marker, Fault fault) {
    this.fault = fault;
    this.lastMarker = marker;
    this.marker.set(marker);
  }

  /** The marker it was last armed with. */
  public String lastMarker() {
    return lastMarker;
  }

  /** How many statements it broke. */
  public int broken() {
    return broken.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (System.currentTimeMillis() < refuseUntil) {
          reset(client);
          continue;
        }
        Socket db = new Socket(host, port);
        open.add(client);
        open.add(db);
        Connection c = new Connection(client, db);
        daemon(c::requests);
        daemon(c::answers);
      } catch (IOException e) {
        return;
      }
    }
  }

  private final class Connection {
    final Socket client;
    final Socket db;
    volatile boolean answersDropped;

    Connection(Socket client, Socket db) {
      this.client = client;
      this.db = db;
    }

    void requests() {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = client.getInputStream();
          OutputStream out = db.getOutputStream()) {
        boolean breakNext = false;
        for (int n; (n = in.read(buf)) >= 0; ) {
          String m = marker.get();
          boolean marked =
              m != null
                  && new String(buf, 0, n, ISO_8859_1).contains(m)
                  && marker.compareAndSet(m, null);
          if (marked) {
            broken.incrementAndGet();
            if (fault == Fault.REQUEST_LOST) {
              reset(client);
              db.close();
              return;
            }
          }
          if (marked && fault == Fault.NEXT_ANSWER_LOST) {
            breakNext = true;
          } else if (marked || breakNext) {
            breakNext = false;
            answersDropped = true;
            daemon(this::breakSoon);
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // closed
      } finally {
        close(client, db);
      }
    }

    /** Ends the connection whose answers are being dropped, once PostgreSQL has its statement. */
    private void breakSoon() {
      pause(300);
      if (fault == Fault.DATABASE_GONE) {
        refuseUntil = System.currentTimeMillis() + GONE_MILLIS;
        open.forEach(StatementBreaker::reset);
      } else {
        reset(client);
        reset(db);
      }
    }

    void answers() {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = db.getInputStream();
          OutputStream out = client.getOutputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          if (!answersDropped) {
            out.write(buf, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // closed
      } finally {
        close(client, db);
      }
    }

    private void close(Socket a, Socket b) {
      try {
        a.close();
        b.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      open.remove(a);
      open.remove(b);
    }
  }

  /** Closes with a TCP reset, as a peer that crashed or a proxy restarting does. */
  static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException ignored) {
      // closed already
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "statement-breaker");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(StatementBreaker::reset);
  }
}
