package io.paystream.shared.time;

/**
 * Milliseconds on the JVM's monotonic clock, for measuring how long ago something happened in this
 * process (a loop's last step, a read's return, a deadline). Unlike the wall clock it never jumps
 * when the system time is stepped (NTP, a virtual machine resumed), which would make a healthy loop
 * look wedged or a stale one look fresh. Its origin is arbitrary: only differences mean anything;
 * never compare it with a timestamp.
 */
public final class Monotonic {
  private Monotonic() {}

  public static long millis() {
    return System.nanoTime() / 1_000_000;
  }
}
