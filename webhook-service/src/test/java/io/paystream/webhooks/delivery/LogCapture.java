package io.paystream.webhooks.delivery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages one class logs while it is open, formatted, in order. */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  static LogCapture of(Class<?> source) {
    LogCapture capture = new LogCapture(Logger.getLogger(source.getName()));
    capture.logger.addHandler(capture);
    return capture;
  }

  List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void publish(LogRecord r) {
    Object[] args = r.getParameters();
    messages.add(args == null ? r.getMessage() : String.format(r.getMessage(), args));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
