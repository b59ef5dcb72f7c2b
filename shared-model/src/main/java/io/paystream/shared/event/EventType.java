package io.paystream.shared.event;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every kind of stream entry, by its wire name. */
public enum EventType {
  PAYMENT_CREATED("payment.created", true),
  PAYMENT_PENDING("payment.pending", true),
  PAYMENT_SUCCESS("payment.success", true),
  PAYMENT_FAILED("payment.failed", true),
  PAYMENT_CAPTURED("payment.captured", true),
  REFUND_CREATED("refund.created", true),
  REFUND_PROCESSED("refund.processed", true),
  REFUND_FAILED("refund.failed", false),
  WEBHOOK_TEST("webhook.test", true),
  MERCHANT_CREATED("merchant.created", false),
  MERCHANT_CREDENTIALS_ROTATED("merchant.credentials_rotated", false),
  /** A payment job: process this payment when it is due. */
  PAYMENT_PROCESS("payment.process", false),
  /** A refund job: process this refund when it is due. */
  REFUND_PROCESS("refund.process", false),
  /** A service instance's heartbeat with its job counts. */
  SERVICE_STATUS("service.status", false);

  private static final Map<String, EventType> BY_WIRE_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(EventType::wireName, Function.identity()));

  private final String wireName;
  private final boolean webhook;

  EventType(String wireName, boolean webhook) {
    this.wireName = wireName;
    this.webhook = webhook;
  }

  public String wireName() {
    return wireName;
  }

  /** Whether merchants can subscribe to this event and receive it as a webhook. */
  public boolean isWebhookEvent() {
    return webhook;
  }

  /** The type with this wire name, or {@code null}. */
  public static EventType fromWireName(String name) {
    return name == null ? null : BY_WIRE_NAME.get(name);
  }

  /** The events merchants can subscribe to. */
  public static Set<EventType> webhookEvents() {
    EnumSet<EventType> set = EnumSet.noneOf(EventType.class);
    for (EventType t : values()) {
      if (t.webhook) {
        set.add(t);
      }
    }
    return set;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
