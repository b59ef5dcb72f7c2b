package io.paystream.payments.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PaymentWorkerTest {
  @Test
  void paymentsDueWithinOneTickAreFinishedTogetherNeverEarlyAndLessThanATickLate() {
    long tick = PaymentWorker.FINISH_TICK_MILLIS;
    long base = 1_764_000_000_000L; // a multiple of the tick
    assertEquals(0, base % tick);
    assertEquals(base, PaymentWorker.finishAt(base));
    for (long due = base + 1; due <= base + tick; due++) {
      assertEquals(base + tick, PaymentWorker.finishAt(due), "due at +" + (due - base));
    }
    for (long due = base - 3 * tick; due < base + 3 * tick; due += 7) {
      long at = PaymentWorker.finishAt(due);
      assertTrue(at >= due && at < due + tick, "due " + due + " finished at " + at);
    }
  }
}
