package io.paystream.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {
  private final List<LogRecord> errors = new ArrayList<>();
  private final Logger logger = Logger.getLogger(ErrorMapper.class.getName());
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
            errors.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    logger.addHandler(handler);
  }

  @AfterEach
  void stop() {
    logger.removeHandler(handler);
  }

  /** A request whose client connection is {@code closed} or still open. */
  private static ServerRequestContext request(boolean closed) {
    ServerHttpResponse response =
        (ServerHttpResponse)
            Proxy.newProxyInstance(
                ErrorMapperTest.class.getClassLoader(),
                new Class<?>[] {ServerHttpResponse.class},
                (p, m, a) -> m.getName().equals("closed") ? closed : null);
    return (ServerRequestContext)
        Proxy.newProxyInstance(
            ErrorMapperTest.class.getClassLoader(),
            new Class<?>[] {ServerRequestContext.class},
            (p, m, a) -> m.getName().equals("serverResponse") ? response : null);
  }

  @Test
  void aFailureAfterTheClientLeftIsNoServerError() {
    var answer = new ErrorMapper().unexpected(new CancellationException(), request(true));
    assertEquals(500, answer.getStatus());
    assertEquals(0, errors.size(), "logged as a server error: " + errors);
  }

  @Test
  void anUnexpectedFailureWhileTheClientWaitsIsLoggedAsAnError() {
    var answer = new ErrorMapper().unexpected(new CancellationException(), request(false));
    assertEquals(500, answer.getStatus());
    assertEquals(1, errors.size());
  }
}
